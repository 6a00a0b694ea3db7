import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, importX509, jwtVerify, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMaskinportenClient, MaskinportenTokenError, MaskinportenUnavailableError, type MaskinportenClientOptions,
} from '../../src/addressing/index.js';
import { manualClock, systemClock } from '../../src/clock/index.js';
import { createSigningIdentity, type SigningIdentity } from '../../src/sandbox/service-registry/index.js';

const AUDIENCE = 'https://test.maskinporten.no/';
const START = '2024-05-01T10:00:00Z';

interface Grant { header: Record<string, unknown>; claims: JWTPayload }

let identity: SigningIdentity;
let server: Server;
let tokenUrl: string;
const grants: Grant[] = [];
let answer: { status: number; body: unknown } | undefined;

// A token endpoint that checks the grant as Maskinporten does: form body, RS256 signature by the key of
// the x5c certificate (or the registered key for a kid), audience, and a grant lifetime of at most 120 s.
beforeAll(async () => {
  identity = createSigningIdentity(systemClock);
  const publicKey = await importX509(identity.certificatePem, 'RS256');
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    req.on('end', () => {
      void (async () => {
        const form = new URLSearchParams(body);
        const reply = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        if (req.headers['content-type'] !== 'application/x-www-form-urlencoded' || form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
          reply(400, { error: 'unsupported_grant_type' });
          return;
        }
        const assertion = form.get('assertion') ?? '';
        try {
          const { payload } = await jwtVerify(assertion, publicKey, { audience: AUDIENCE, algorithms: ['RS256'], currentDate: new Date(START) });
          grants.push({ header: decodeProtectedHeader(assertion) as Record<string, unknown>, claims: payload });
        } catch (e) {
          reply(400, { error: 'invalid_grant', error_description: `Invalid assertion: ${(e as Error).message}` });
          return;
        }
        if (answer) reply(answer.status, answer.body);
        else reply(200, { access_token: `token-${grants.length}`, token_type: 'Bearer', expires_in: 120, scope: grants.at(-1)?.claims.scope });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));

function clientFor(overrides: Partial<MaskinportenClientOptions> = {}) {
  const clock = manualClock(START);
  answer = undefined;
  grants.length = 0;
  const client = createMaskinportenClient({
    tokenUrl, audience: AUDIENCE, clientId: 'MOVE_IP_910077473', scopes: ['eformidling:dpo', 'eformidling:dpe'],
    signingKey: identity.privateKey, certificateChainPem: identity.certificatePem, clock, ...overrides,
  });
  return { client, clock };
}

describe(createMaskinportenClient.name, () => {
  it('gets a token with a grant signed by our key and carrying our certificate as x5c', async () => {
    const { client } = clientFor();
    expect(await client.accessToken()).toBe('token-1');
    const [grant] = grants;
    const der = identity.certificatePem.replace(/-----[A-Z ]+-----|\s/g, '');
    expect(grant?.header).toEqual({ alg: 'RS256', x5c: [der] });
    const iat = Date.parse(START) / 1000;
    expect(grant?.claims).toMatchObject({ aud: AUDIENCE, iss: 'MOVE_IP_910077473', scope: 'eformidling:dpo eformidling:dpe', iat, exp: iat + 120 });
    expect(grant?.claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('asks for an Altinn system user with the authorization_details claim, and leaves it out otherwise', async () => {
    const details = [{ type: 'urn:altinn:systemuser', systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:910077473' }, externalRef: 'systembruker' }];
    const { client } = clientFor({ authorizationDetails: details });
    await client.accessToken();
    expect(grants[0]?.claims.authorization_details).toEqual(details);
    await clientFor().client.accessToken();
    expect(grants[0]?.claims).not.toHaveProperty('authorization_details');
  });

  it('names a registered key by kid when no certificate is given', async () => {
    const { client } = clientFor({ certificateChainPem: undefined, kid: 'efm-key-1' });
    await client.accessToken();
    expect(grants[0]?.header).toEqual({ alg: 'RS256', kid: 'efm-key-1' });
  });

  it('reuses the token until shortly before it expires, then asks again', async () => {
    const { client, clock } = clientFor({ ttlSkewMs: 30_000 });
    await client.accessToken();
    clock.advance(89_999);
    expect(await client.accessToken()).toBe('token-1');
    clock.advance(1);
    expect(await client.accessToken()).toBe('token-2');
    expect(grants).toHaveLength(2);
    expect(grants[1]?.claims.jti).not.toBe(grants[0]?.claims.jti);
  });

  it('sends one grant for concurrent callers', async () => {
    const { client } = clientFor();
    expect(await Promise.all([client.accessToken(), client.accessToken(), client.accessToken()])).toEqual(['token-1', 'token-1', 'token-1']);
    expect(grants).toHaveLength(1);
  });

  it('reports a refused grant with Maskinporten reason, and keeps no token', async () => {
    const { client } = clientFor();
    answer = { status: 400, body: { error: 'invalid_scope', error_description: 'Scope eformidling:dpo not allowed' } };
    const error = await client.accessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaskinportenTokenError);
    expect(error).toMatchObject({ status: 400, description: 'Scope eformidling:dpo not allowed' });
    answer = undefined;
    expect(await client.accessToken()).toBe('token-2');
  });

  it('is refused by the endpoint when the grant is signed by another key', async () => {
    const other = createSigningIdentity(systemClock);
    const { client } = clientFor({ signingKey: other.privateKey });
    await expect(client.accessToken()).rejects.toMatchObject({ status: 400, description: expect.stringContaining('Invalid assertion') });
  });

  it('reports a 5xx or an unreachable endpoint as unavailable', async () => {
    const { client } = clientFor();
    answer = { status: 503, body: {} };
    await expect(client.accessToken()).rejects.toBeInstanceOf(MaskinportenUnavailableError);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = clientFor({ tokenUrl: `http://127.0.0.1:${port}/token` }).client;
    await expect(unreachable.accessToken()).rejects.toBeInstanceOf(MaskinportenUnavailableError);
  });

  it('refuses to start without a certificate or kid to name the key', () => {
    expect(() => clientFor({ certificateChainPem: undefined })).toThrow(TypeError);
  });
});
