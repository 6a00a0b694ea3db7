import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, jsonOf } from '../support/http.js';
import { ARKIVMELDING_PROCESS } from '../support/sbd.js';
import { PEER_ORG, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

interface Capabilities {
  capabilities: { process?: string; serviceIdentifier: string; documentTypes: { type?: string; standard: string }[] }[];
}

describe('GET /api/capabilities/{receiverIdentifier}', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  afterAll(async () => { await t.close(); });

  it('refuses a request without credentials with 401 and a basic challenge', async () => {
    const res = await t.api(`/api/capabilities/${PEER_ORG}`, { auth: false });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await errorOf(res)).message).toBe('Full authentication is required to access this resource');
  });

  it('refuses wrong credentials with 401', async () => {
    const res = await t.api(`/api/capabilities/${PEER_ORG}`, {
      auth: false, headers: { authorization: `Basic ${Buffer.from('testuser:wrong').toString('base64')}` },
    });
    expect(res.status).toBe(401);
  });

  it('answers 404 IdentifierNotFoundException with the registry text for an unknown identifier', async () => {
    const res = await t.api('/api/capabilities/999999999');
    expect(res.status).toBe(404);
    const body = await errorOf(res);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.IdentifierNotFoundException');
    expect(body.message).toBe('Identifier 999999999 was not found in the service registry');
    expect(body.description).toBe("Entity with identifier '999999999' not found.");
    expect(body.path).toBe('/api/capabilities/999999999');
  });

  it('answers 400 naming the parameter when securityLevel is not a number', async () => {
    const res = await t.api(`/api/capabilities/${PEER_ORG}?securityLevel=high`);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain("'securityLevel'");
  });

  it('maps every service record of the receiver to a capability with its document types', async () => {
    const res = await t.api(`/api/capabilities/${PEER_ORG}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await jsonOf<Capabilities>(res);
    expect(body.capabilities).toContainEqual({
      process: ARKIVMELDING_PROCESS, serviceIdentifier: 'DPO',
      documentTypes: [{ type: 'arkivmelding', standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding' }],
    });
    expect(body.capabilities).toContainEqual({
      process: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0', serviceIdentifier: 'DPE',
      documentTypes: [{ type: 'innsynskrav', standard: 'urn:no:difi:einnsyn:xsd::innsynskrav' }],
    });
    // DPI-only members are left out of other records.
    expect(body.capabilities.some((c) => 'postAddress' in c || 'digitalPostAddress' in c)).toBe(false);
  });

  it('narrows to one process and passes process and securityLevel to the registry', async () => {
    const res = await t.api(`/api/capabilities/0192:${PEER_ORG}?process=${encodeURIComponent(ARKIVMELDING_PROCESS)}&securityLevel=3`);
    expect(res.status).toBe(200);
    const body = await jsonOf<Capabilities>(res);
    expect(body.capabilities.map((c) => [c.process, c.serviceIdentifier])).toEqual([[ARKIVMELDING_PROCESS, 'DPO']]);
    expect(t.registry.requests.some((r) => r.url.startsWith(`/identifier/${PEER_ORG}/process/`) && r.url.includes('securityLevel=3'))).toBe(true);
  });

  it('answers 503 with Retry-After and the error body when the registry is down', async () => {
    t.registry.setFailure('unavailable');
    try {
      // A key not looked up before, so no cached answer hides the outage.
      const res = await t.api(`/api/capabilities/${PEER_ORG}?process=${encodeURIComponent('urn:no:difi:profile:avtalt:avtalt:ver1.0')}`);
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = await errorOf(res);
      expect(body).toMatchObject({ status: 503, error: 'Service Unavailable', code: 'EFM_SERVICE_REGISTRY_UNAVAILABLE' });
    } finally {
      t.registry.setFailure(undefined);
    }
  });

  it('answers 500 without internals when the registry signature does not verify', async () => {
    t.registry.setFailure('bad-signature');
    try {
      const res = await t.api(`/api/capabilities/${PEER_ORG}?process=${encodeURIComponent('urn:no:difi:profile:arkivmelding:naturOgMiljoe:ver1.0')}`);
      expect(res.status).toBe(500);
      const text = await res.text();
      const body = JSON.parse(text) as Record<string, unknown>;
      expect(body.message).toBe('Bad signature in response from service registry');
      expect(body.code).toBe('EFM_SERVICE_REGISTRY_BAD_SIGNATURE');
      expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
      expect(body).not.toHaveProperty('stack');
    } finally {
      t.registry.setFailure(undefined);
    }
  });
});
