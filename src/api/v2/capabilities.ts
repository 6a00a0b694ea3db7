import { Router } from 'express';
import { NotFoundInServiceRegistryError } from '../../addressing/index.js';
import { NotFoundError } from '../../domain/errors.js';
import { messageTypeOf } from '../../domain/catalogue.js';
import { toCapabilities, type CapabilityLookup } from '../../messages/capabilities.js';
import { sendJson } from '../json.js';
import { queryInt, queryString } from '../query.js';

class IdentifierNotFoundError extends NotFoundError {
  constructor(identifier: string, description?: string) {
    super(`Identifier ${identifier} was not found in the service registry`, {
      code: 'EFM_IDENTIFIER_NOT_FOUND', exception: 'no.difi.meldingsutveksling.exceptions.IdentifierNotFoundException', description,
    });
  }
}

// C1 (api notes §2.1): what the receiver can take, straight from the Service Registry.
export function capabilitiesRouter(registry: CapabilityLookup): Router {
  const r = Router();
  r.get('/capabilities/:receiverIdentifier', async (req, res) => {
    const identifier = req.params.receiverIdentifier;
    try {
      const resource = await registry.lookup({ identifier, process: queryString(req, 'process'), securityLevel: queryInt(req, 'securityLevel') });
      sendJson(res, toCapabilities(resource.serviceRecords, messageTypeOf));
    } catch (err) {
      if (err instanceof NotFoundInServiceRegistryError) throw new IdentifierNotFoundError(identifier, err.description);
      throw err;
    }
  });
  return r;
}
