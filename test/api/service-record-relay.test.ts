import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, jsonOf } from '../support/http.js';
import { ARKIVMELDING_PROCESS } from '../support/sbd.js';
import { PEER_ORG, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

interface Relayed {
  infoRecord: { identifier: string };
  serviceRecord: { organisationNumber: string; process: string; service: { identifier: string } } | null;
  serviceRecords: { organisationNumber: string; process: string; service: { identifier: string } }[];
}

describe('GET /servicerecord/{identifier}', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  afterAll(async () => { await t.close(); });

  it('relays the receiver\'s records from the Service Registry, the first also as serviceRecord', async () => {
    const res = await t.api(`/servicerecord/${PEER_ORG}`);
    expect(res.status).toBe(200);
    const body = await jsonOf<Relayed>(res);
    expect(body.infoRecord.identifier).toBe(PEER_ORG);
    expect(body.serviceRecords.length).toBeGreaterThan(0);
    expect(body.serviceRecords.every((r) => r.organisationNumber === PEER_ORG)).toBe(true);
    expect(body.serviceRecords.map((r) => r.process)).toContain(ARKIVMELDING_PROCESS);
    expect(body.serviceRecord).toEqual(body.serviceRecords[0]);
  });

  it('answers 404 in the error shape for an identifier the registry does not know', async () => {
    const res = await t.api('/servicerecord/999999999');
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toMatchObject({ status: 404, path: '/servicerecord/999999999', code: 'EFM_NOT_FOUND_IN_SERVICE_REGISTRY' });
  });

  it('is behind the API credentials', async () => {
    const res = await t.api(`/servicerecord/${PEER_ORG}`, { auth: false });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });
});
