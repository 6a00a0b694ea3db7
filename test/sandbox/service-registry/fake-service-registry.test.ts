import { X509Certificate } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock/index.js';
import {
  createSigningIdentity, demoOrganisation, startFakeServiceRegistry, type FakeServiceRegistry, type SigningIdentity,
} from '../../../src/sandbox/service-registry/index.js';

const ADMIN = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';
const JOSE = { accept: 'application/jose, application/json' };

let identity: SigningIdentity;
let registry: FakeServiceRegistry;

beforeAll(async () => {
  identity = createSigningIdentity(systemClock);
  registry = await startFakeServiceRegistry({
    signing: identity,
    organisations: [
      demoOrganisation({ orgnr: '910075918', name: 'Etat', certificatePem: identity.certificatePem, services: ['DPO'] }),
      demoOrganisation({ orgnr: '910075946', name: 'Liten etat', certificatePem: identity.certificatePem, services: ['DPV'] }),
    ],
  });
});
afterAll(() => registry.close());
afterEach(() => registry.setFailure(undefined));

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await request(`${registry.url}${path}`, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, type: String(res.headers['content-type']), retryAfter: res.headers['retry-after'], text };
}

async function verified(jws: string): Promise<string> {
  const [jwk] = registry.jwks.keys;
  const key = await importJWK({ kty: 'RSA', n: String(jwk?.n), e: String(jwk?.e) }, 'RS256');
  return new TextDecoder().decode((await compactVerify(jws, key)).payload);
}

describe(startFakeServiceRegistry.name, () => {
  it('listens on 127.0.0.1 on a free port', () => {
    expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers plain JSON with every record when the client does not accept JOSE', async () => {
    const answer = await get('/identifier/910075918');
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('application/json');
    const body = JSON.parse(answer.text) as { infoRecord: { identifier: string }; serviceRecords: unknown[] };
    expect(body.infoRecord.identifier).toBe('910075918');
    expect(body.serviceRecords).toHaveLength(12);
  });

  it('signs as the registry does: compact RS256 JWS with x5c and the RFC 7638 kid, verifiable with /jwk', async () => {
    const answer = await get('/identifier/0192:910075918/process/' + ADMIN, JOSE);
    expect(answer.type).toBe('application/jose');
    const header = decodeProtectedHeader(answer.text);
    const [jwk] = registry.jwks.keys;
    expect(header).toEqual({ alg: 'RS256', x5c: jwk?.x5c, kid: jwk?.kid });
    expect(jwk?.kid).toBe(await calculateJwkThumbprint({ kty: 'RSA', n: String(jwk?.n), e: String(jwk?.e) }, 'sha256'));
    expect(new X509Certificate(Buffer.from(String(header.x5c?.[0]), 'base64')).toString())
      .toBe(new X509Certificate(identity.certificatePem).toString());
    const body = JSON.parse(await verified(answer.text)) as { serviceRecords: { process: string }[] };
    expect(body.serviceRecords.map((r) => r.process)).toEqual([ADMIN]);
  });

  it('serves the public key set unsigned at /jwk', async () => {
    const answer = await get('/jwk', JOSE);
    expect(answer.type).toBe('application/json');
    expect(JSON.parse(answer.text)).toEqual(registry.jwks);
    expect(registry.jwks.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
    expect(registry.jwks.keys[0]).not.toHaveProperty('d');
  });

  it('answers 404 in the registry error shape for an unknown organisation and an unknown process', async () => {
    const entity = await get('/identifier/123456789', JOSE);
    expect(entity.status).toBe(404);
    expect(entity.type).toBe('application/json');
    expect(JSON.parse(entity.text)).toEqual({ error_code: '', error_description: "Entity with identifier '123456789' not found." });
    const process = await get('/identifier/910075918/process/urn:no:difi:profile:avtalt:avtalt:ver1.0?conversationId=c');
    expect(process.status).toBe(404);
    expect(JSON.parse(process.text)).toEqual({
      error_code: '', error_description: 'Process urn:no:difi:profile:avtalt:avtalt:ver1.0 not found for receiver 910075918',
    });
  });

  it('answers an unknown citizen with its odd message body, and its info record with any fødselsnummer', async () => {
    const lookup = await get('/identifier/17912099997');
    expect(lookup.status).toBe(404);
    expect(JSON.parse(lookup.text)).toEqual({ message: 'No service record found for citizen: 17912099997' });
    const info = await get('/info/17912099997');
    expect(JSON.parse(info.text)).toEqual({ infoRecord: { identifier: '17912099997', entityType: { name: 'citizen' } }, serviceRecords: [] });
  });

  it('refuses an identifier it cannot parse with 400', async () => {
    expect((await get('/identifier/not-an-id')).status).toBe(400);
  });

  it('refuses security level 4 for an organisation that only has DPV', async () => {
    const answer = await get(`/identifier/910075946/process/${ADMIN}?securityLevel=4`);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ error_code: '', error_description: "Organization '910075946' can not receive messages with security level '4'" });
  });

  it('leaves print records out when asked with print=false', async () => {
    registry.setOrganisation({
      identifier: '17912099997',
      infoRecord: { identifier: '17912099997', entityType: { name: 'citizen' } },
      serviceRecords: ['DPI', 'DPV'].map((id, i) => ({
        organisationNumber: '17912099997', pemCertificate: null, process: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0',
        documentTypes: [], service: { identifier: id, endpointUrl: null, serviceCode: null, serviceEditionCode: null, securityLevel: null, resource: null },
        fysiskPost: i === 0,
      })),
    });
    const all = JSON.parse((await get('/identifier/17912099997')).text) as { serviceRecords: unknown[] };
    const digital = JSON.parse((await get('/identifier/17912099997?print=false')).text) as { serviceRecords: { service: { identifier: string } }[] };
    expect(all.serviceRecords).toHaveLength(2);
    expect(digital.serviceRecords.map((r) => r.service.identifier)).toEqual(['DPV']);
  });

  it('answers /info with the info record and no service records', async () => {
    expect(JSON.parse((await get('/info/910075918')).text)).toEqual({
      infoRecord: { identifier: '910075918', organizationName: 'Etat', postadresse: null, entityType: { name: 'ORGL' } },
      serviceRecords: [],
    });
  });

  it('serves the business certificate as PEM text, or as the payload of a JWS', async () => {
    const plain = await get('/virksert/910075918');
    expect(plain.type).toMatch(/^text\/plain/);
    expect(plain.text).toBe(identity.certificatePem);
    expect(await verified((await get('/virksert/910075918', JOSE)).text)).toBe(identity.certificatePem);
    const missing = await get('/virksert/123456789');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({ error_code: '', error_description: 'Unable to find DPO certificate for: 123456789' });
  });

  it('fails every answer with 503 and Retry-After while unavailable, and recovers', async () => {
    registry.setFailure('unavailable');
    const down = await get('/identifier/910075918');
    expect(down.status).toBe(503);
    expect(down.retryAfter).toBe('5');
    registry.setFailure(undefined);
    expect((await get('/identifier/910075918')).status).toBe(200);
  });

  it('signs with a key outside its JWK set while failing with bad-signature', async () => {
    registry.setFailure('bad-signature');
    const answer = await get('/identifier/910075918', JOSE);
    expect(answer.status).toBe(200);
    await expect(verified(answer.text)).rejects.toThrow();
  });

  it('records each request with its path and query as sent', async () => {
    const before = registry.requests.length;
    await get(`/identifier/910075918/process/${ADMIN}?securityLevel=3&conversationId=abc`, { 'x-enable-beta-features': 'true' });
    const recorded = registry.requests.slice(before);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ method: 'GET', url: `/identifier/910075918/process/${ADMIN}?securityLevel=3&conversationId=abc` });
    expect(recorded[0]?.headers['x-enable-beta-features']).toBe('true');
  });
});

describe(createSigningIdentity.name, () => {
  it('makes a self-signed certificate for its own key', () => {
    const certificate = new X509Certificate(identity.certificatePem);
    expect(certificate.checkPrivateKey(identity.privateKey)).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.subject).toContain('CN=Sandbox Service Registry');
  });
});
