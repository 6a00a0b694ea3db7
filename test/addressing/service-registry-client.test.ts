import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createServiceRegistryClient, NotFoundInServiceRegistryError, ServiceRegistryLookupError,
  ServiceRegistrySignatureError, ServiceRegistryUnavailableError, type ServiceRegistryClientOptions,
} from '../../src/addressing/index.js';
import { manualClock, systemClock } from '../../src/clock/index.js';
import {
  createSigningIdentity, demoOrganisation, startFakeServiceRegistry, type FakeServiceRegistry, type SigningIdentity,
} from '../../src/sandbox/service-registry/index.js';

const PLAN_BYGG = 'urn:no:difi:profile:arkivmelding:planByggOgGeodata:ver1.0';
const ADMIN = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';
const CONVERSATION = '37efbd4c-413d-4e2c-bbc5-000000000001';

let identity: SigningIdentity;
let registry: FakeServiceRegistry;
const servers: Server[] = [];

beforeAll(async () => {
  identity = createSigningIdentity(systemClock);
  registry = await startFakeServiceRegistry({
    signing: identity,
    organisations: [
      demoOrganisation({ orgnr: '910075918', name: 'Mottaker', certificatePem: identity.certificatePem, services: ['DPO'], avtalt: true }),
      demoOrganisation({ orgnr: '910075946', name: 'Liten etat', certificatePem: identity.certificatePem, services: ['DPV'] }),
    ],
  });
});
afterAll(async () => {
  await registry.close();
  await Promise.all(servers.map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
});
afterEach(() => registry.setFailure(undefined));

function clientFor(overrides: Partial<ServiceRegistryClientOptions> = {}) {
  const clock = manualClock('2024-05-01T10:00:00Z');
  const client = createServiceRegistryClient({
    baseUrl: registry.url,
    sign: { enabled: false, jwkUrl: `${registry.url}/jwk` },
    printLookup: true,
    betaFeatures: false,
    cacheTtlMs: 5 * 60_000,
    timeoutMs: 5_000,
    clock,
    ...overrides,
  });
  return { client, clock };
}

function signedClient(overrides: Partial<ServiceRegistryClientOptions> = {}) {
  return clientFor({ sign: { enabled: true, jwkUrl: `${registry.url}/jwk` }, ...overrides });
}

/** Requests the fake received while `action` ran. */
async function requestsDuring(action: () => Promise<unknown>) {
  const before = registry.requests.length;
  await action().catch(() => undefined);
  return registry.requests.slice(before);
}

async function startServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe(`${createServiceRegistryClient.name}: requests`, () => {
  it('asks with the exact path and query order of the reference, colons unescaped', async () => {
    const { client } = clientFor();
    const sent = await requestsDuring(() => client.lookup({ identifier: '0192:910075918', process: PLAN_BYGG, securityLevel: 3, conversationId: CONVERSATION }));
    expect(sent.map((r) => r.url)).toEqual([`/identifier/910075918/process/${PLAN_BYGG}?securityLevel=3&conversationId=${CONVERSATION}`]);
  });

  it('asks for all records with no query when only the identifier is given', async () => {
    const { client } = clientFor();
    const sent = await requestsDuring(() => client.lookup({ identifier: '910075918' }));
    expect(sent.map((r) => r.url)).toEqual(['/identifier/910075918']);
  });

  it('adds print=false and the beta header when print lookups are off and beta features on', async () => {
    const { client } = clientFor({ printLookup: false, betaFeatures: true });
    const sent = await requestsDuring(() => client.lookup({ identifier: '910075918', securityLevel: 3 }));
    expect(sent.map((r) => r.url)).toEqual(['/identifier/910075918?securityLevel=3&print=false']);
    expect(sent[0]?.headers['x-enable-beta-features']).toBe('true');
  });

  it('sends neither the beta header nor a JOSE Accept by default', async () => {
    const { client } = clientFor();
    const [request] = await requestsDuring(() => client.lookup({ identifier: '910075918' }));
    expect(request?.headers['x-enable-beta-features']).toBeUndefined();
    expect(request?.headers.accept ?? '').not.toContain('application/jose');
  });

  it('carries the Maskinporten token as a bearer', async () => {
    const { client } = clientFor({ tokenProvider: async () => 'token-123' });
    const [request] = await requestsDuring(() => client.lookup({ identifier: '910075918' }));
    expect(request?.headers.authorization).toBe('Bearer token-123');
  });
});

describe(`${createServiceRegistryClient.name}: answers`, () => {
  it('returns the parsed records of an unsigned answer', async () => {
    const { client } = clientFor();
    const resource = await client.lookup({ identifier: '910075918', process: ADMIN, conversationId: 'c' });
    expect(resource.infoRecord.organizationName).toBe('Mottaker');
    expect(resource.serviceRecords.map((r) => [r.service.identifier, r.process, r.pemCertificate])).toEqual([['DPO', ADMIN, identity.certificatePem]]);
  });

  it('asks for JOSE, verifies against /jwk fetched for each uncached lookup, and returns the payload', async () => {
    const { client } = signedClient();
    const sent = await requestsDuring(async () => {
      const resource = await client.lookup({ identifier: '910075918', process: ADMIN });
      expect(resource.serviceRecords.map((r) => r.process)).toEqual([ADMIN]);
      await client.lookup({ identifier: '910075918', process: PLAN_BYGG });
    });
    expect(sent.map((r) => r.url)).toEqual([`/identifier/910075918/process/${ADMIN}`, '/jwk', `/identifier/910075918/process/${PLAN_BYGG}`, '/jwk']);
    expect(sent[0]?.headers.accept).toBe('application/jose, application/json');
  });

  it('returns the info record from /info', async () => {
    const { client } = signedClient();
    const sent = await requestsDuring(async () => {
      expect(await client.info('0192:910075946')).toMatchObject({ identifier: '910075946', organizationName: 'Liten etat', entityType: { name: 'ORGL' } });
    });
    expect(sent[0]?.url).toBe('/info/910075946');
  });

  it('returns the business certificate from /virksert, signed or not', async () => {
    expect(await clientFor().client.virksert('910075918')).toBe(identity.certificatePem);
    expect(await signedClient().client.virksert('0192:910075918')).toBe(identity.certificatePem);
  });
});

describe(`${createServiceRegistryClient.name}: signatures`, () => {
  it('refuses an answer signed with a key outside the JWK set', async () => {
    registry.setFailure('bad-signature');
    const lookup = signedClient().client.lookup({ identifier: '910075918' });
    await expect(lookup).rejects.toBeInstanceOf(ServiceRegistrySignatureError);
    await expect(lookup).rejects.toThrow('Bad signature in response from service registry');
  });

  it('refuses an answer whose payload was changed after signing', async () => {
    const tampering = await startServer((req, res) => {
      void (async () => {
        const upstream = await fetch(`${registry.url}${req.url ?? ''}`, { headers: { accept: String(req.headers.accept ?? '') } });
        let body = await upstream.text();
        if (req.url?.startsWith('/identifier')) {
          const [header, payload, signature] = body.split('.');
          const changed = Buffer.from(String(payload), 'base64url').toString().replace('Mottaker', 'Angriper');
          body = [header, Buffer.from(changed).toString('base64url'), signature].join('.');
        }
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? '' }).end(body);
      })();
    });
    const { client } = clientFor({ baseUrl: tampering, sign: { enabled: true, jwkUrl: `${tampering}/jwk` } });
    await expect(client.lookup({ identifier: '910075918' })).rejects.toBeInstanceOf(ServiceRegistrySignatureError);
  });

  it('refuses a plain JSON answer when signing is on', async () => {
    const plain = await startServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end('{"infoRecord":{},"serviceRecords":[]}'); });
    const { client } = clientFor({ baseUrl: plain, sign: { enabled: true, jwkUrl: `${registry.url}/jwk` } });
    await expect(client.lookup({ identifier: '910075918' })).rejects.toBeInstanceOf(ServiceRegistrySignatureError);
  });

  it('treats a missing JWK set as a bad signature, and an unreachable one as unavailable', async () => {
    const noJwk = signedClient({ sign: { enabled: true, jwkUrl: `${registry.url}/no-jwk-here` } }).client;
    await expect(noJwk.lookup({ identifier: '910075918' })).rejects.toBeInstanceOf(ServiceRegistrySignatureError);
    const down = signedClient({ sign: { enabled: true, jwkUrl: `${await closedPortUrl()}/jwk` } }).client;
    await expect(down.lookup({ identifier: '910075918' })).rejects.toBeInstanceOf(ServiceRegistryUnavailableError);
  });
});

describe(`${createServiceRegistryClient.name}: cache`, () => {
  const lookupCount = (sent: { url: string }[]) => sent.filter((r) => r.url.startsWith('/identifier')).length;

  it('answers from the cache within the TTL, whatever the conversationId, and asks again after it', async () => {
    const { client, clock } = signedClient();
    const sent = await requestsDuring(async () => {
      await client.lookup({ identifier: '910075918', process: ADMIN, securityLevel: 3, conversationId: 'a' });
      clock.advance(5 * 60_000 - 1);
      const cached = await client.lookup({ identifier: '0192:910075918', process: ADMIN, securityLevel: 3, conversationId: 'b' });
      expect(cached.serviceRecords).toHaveLength(1);
      clock.advance(1);
      await client.lookup({ identifier: '910075918', process: ADMIN, securityLevel: 3, conversationId: 'c' });
    });
    expect(sent.map((r) => r.url)).toEqual([
      `/identifier/910075918/process/${ADMIN}?securityLevel=3&conversationId=a`, '/jwk',
      `/identifier/910075918/process/${ADMIN}?securityLevel=3&conversationId=c`, '/jwk',
    ]);
  });

  it('keeps lookups with another process or security level apart', async () => {
    const { client } = clientFor();
    const sent = await requestsDuring(async () => {
      await client.lookup({ identifier: '910075918', process: ADMIN });
      await client.lookup({ identifier: '910075918', process: ADMIN, securityLevel: 3 });
      await client.lookup({ identifier: '910075918', process: PLAN_BYGG });
      await client.info('910075918');
    });
    expect(lookupCount(sent) + sent.filter((r) => r.url.startsWith('/info')).length).toBe(4);
  });

  it('does not keep a failure: the next lookup asks again and succeeds', async () => {
    const { client } = clientFor();
    registry.setFailure('unavailable');
    await expect(client.lookup({ identifier: '910075918' })).rejects.toBeInstanceOf(ServiceRegistryUnavailableError);
    registry.setFailure(undefined);
    expect((await client.lookup({ identifier: '910075918' })).serviceRecords.length).toBeGreaterThan(0);
  });

  it('caches the business certificate per organisation for the TTL', async () => {
    const { client, clock } = clientFor();
    const sent = await requestsDuring(async () => {
      await client.virksert('910075918');
      await client.virksert('910075918');
      clock.advance(5 * 60_000);
      await client.virksert('910075918');
    });
    expect(sent.map((r) => r.url)).toEqual(['/virksert/910075918', '/virksert/910075918']);
  });
});

describe(`${createServiceRegistryClient.name}: failures`, () => {
  it('maps 404 to NotFoundInServiceRegistryError with the registry text', async () => {
    const lookup = clientFor().client.lookup({ identifier: '910075918', process: 'urn:no:difi:profile:einnsyn:meeting:ver1.0' });
    await expect(lookup).rejects.toBeInstanceOf(NotFoundInServiceRegistryError);
    await expect(lookup).rejects.toMatchObject({
      kind: 'not-found', code: 'EFM_NOT_FOUND_IN_SERVICE_REGISTRY',
      description: 'Process urn:no:difi:profile:einnsyn:meeting:ver1.0 not found for receiver 910075918',
    });
  });

  it('reads the citizen 404 message body, and keeps the fødselsnummer out of the error message', async () => {
    const error = await clientFor().client.lookup({ identifier: '17912099997' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundInServiceRegistryError);
    expect(error).toMatchObject({ description: 'No service record found for citizen: 17912099997' });
    expect((error as Error).message).not.toContain('17912099997');
  });

  it('maps another 4xx to ServiceRegistryLookupError carrying error_description', async () => {
    const lookup = clientFor().client.lookup({ identifier: '910075946', process: ADMIN, securityLevel: 4 });
    await expect(lookup).rejects.toBeInstanceOf(ServiceRegistryLookupError);
    await expect(lookup).rejects.not.toBeInstanceOf(NotFoundInServiceRegistryError);
    await expect(lookup).rejects.toMatchObject({
      status: 400, kind: 'validation', description: "Organization '910075946' can not receive messages with security level '4'",
    });
  });

  it('maps 503 to ServiceRegistryUnavailableError with the registry Retry-After', async () => {
    registry.setFailure('unavailable');
    const lookup = clientFor().client.lookup({ identifier: '910075918' });
    await expect(lookup).rejects.toBeInstanceOf(ServiceRegistryUnavailableError);
    await expect(lookup).rejects.toMatchObject({ kind: 'unavailable', code: 'EFM_SERVICE_REGISTRY_UNAVAILABLE', retryAfterSeconds: 5 });
  });

  it('maps a 500 without Retry-After to unavailable with the default wait', async () => {
    const lookup = clientFor().client.lookup({ identifier: '17912099997', process: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0' });
    await expect(lookup).rejects.toMatchObject({ kind: 'unavailable', retryAfterSeconds: 30 });
  });

  it('maps a refused connection to unavailable', async () => {
    const { client } = clientFor({ baseUrl: await closedPortUrl() });
    await expect(client.lookup({ identifier: '910075918' })).rejects.toBeInstanceOf(ServiceRegistryUnavailableError);
    await expect(client.virksert('910075918')).rejects.toBeInstanceOf(ServiceRegistryUnavailableError);
  });

  it('maps a registry that never answers to unavailable once the timeout passes', async () => {
    const silent = await startServer(() => undefined);
    const { client } = clientFor({ baseUrl: silent, timeoutMs: 200 });
    await expect(client.lookup({ identifier: '910075918' })).rejects.toBeInstanceOf(ServiceRegistryUnavailableError);
  });

  it('maps an unreadable 200 body to a lookup error', async () => {
    const broken = await startServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end('<html>'); });
    await expect(clientFor({ baseUrl: broken }).client.lookup({ identifier: '910075918' }))
      .rejects.toMatchObject({ code: 'EFM_SERVICE_REGISTRY_BAD_RESPONSE' });
  });

  it('maps a missing business certificate to not found', async () => {
    await expect(clientFor().client.virksert('123456789')).rejects.toMatchObject({
      kind: 'not-found', description: 'Unable to find DPO certificate for: 123456789',
    });
  });
});
