import { Router, type Request, type RequestHandler } from 'express';
import type { ServiceRegistryClient } from '../addressing/index.js';
import { sendJson } from './json.js';

// The reference's debug relay (api notes §2, addressing notes §9.5): `GET /servicerecord/{identifier}`
// answers with what the Service Registry holds for a receiver, as this daemon sees it — through its own
// Maskinporten token, signature check and cache — so an operator can see why a message goes where it
// goes. An identifier the registry does not know is 404, as in the reference. Behind the API's
// credentials: the records name people's mailboxes and addresses.
//
// `serviceRecord` (singular) is the first of `serviceRecords`, or null; the reference's body has both
// fields and its docs do not say more, so the choice is written down here.
export function serviceRecordRelay(registry: Pick<ServiceRegistryClient, 'lookup'>, auth: RequestHandler): Router {
  const router = Router();
  router.get('/servicerecord/:identifier', auth, async (req: Request<{ identifier: string }>, res) => {
    const resource = await registry.lookup({ identifier: req.params.identifier });
    sendJson(res, { infoRecord: resource.infoRecord, serviceRecord: resource.serviceRecords[0] ?? null, serviceRecords: resource.serviceRecords });
  });
  return router;
}
