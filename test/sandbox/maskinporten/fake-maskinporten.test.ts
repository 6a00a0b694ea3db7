import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock/index.js';
import type { KeystoreEntry } from '../../../src/crypto/index.js';
import { loadUndici } from '../../../src/http/index.js';
import { startFakeMaskinporten, type FakeMaskinporten } from '../../../src/sandbox/index.js';
import { cucumberEntry } from '../../crypto/fixtures.js';

const START = '2030-01-15T12:00:00Z';
const ORG = '910077473';

let known: KeystoreEntry;
let stranger: KeystoreEntry;
let clock: ReturnType<typeof manualClock>;
let fake: FakeMaskinporten;

beforeAll(async () => {
  known = await cucumberEntry(ORG);
  stranger = await cucumberEntry('974720760');
  clock = manualClock(START);
  fake = await startFakeMaskinporten({ clock, organisations: [{ orgnr: ORG, certificatePem: known.certificate.toString() }] });
});
afterAll(() => fake.close());

interface GrantOptions {
  key?: KeystoreEntry;
  audience?: string;
  lifetimeS?: number;
  claims?: Record<string, unknown>;
}

async function grant(options: GrantOptions = {}): Promise<string> {
  const key = options.key ?? known;
  const iat = Math.floor(clock.now().getTime() / 1000);
  return new SignJWT({ scope: 'altinn:broker.read', ...options.claims })
    .setProtectedHeader({ alg: 'RS256', x5c: [key.certificate.raw.toString('base64')] })
    .setAudience(options.audience ?? fake.audience)
    .setIssuer(`MOVE_IP_${ORG}`)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.lifetimeS ?? 120))
    .setJti(randomUUID())
    .sign(key.privateKey);
}

async function post(assertion: string, grantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer'): Promise<{ status: number; body: Record<string, unknown> }> {
  const { request } = await loadUndici();
  const response = await request(fake.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: grantType, assertion }).toString(),
  });
  return { status: response.statusCode, body: await response.body.json() as Record<string, unknown> };
}

const systemUser = (orgId: string) => ({
  authorization_details: [{ type: 'urn:altinn:systemuser', systemuser_org: { authority: 'iso6523-actorid-upis', ID: orgId }, externalRef: 'name' }],
});

describe(startFakeMaskinporten.name, () => {
  it('issues a token for a grant signed with a known certificate, and can look it up until it expires', async () => {
    const answer = await post(await grant({ claims: systemUser(`0192:${ORG}`) }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 120, scope: 'altinn:broker.read' });
    const token = String(answer.body.access_token);
    expect(fake.lookup(token)).toMatchObject({ orgnr: ORG, clientId: `MOVE_IP_${ORG}`, scopes: ['altinn:broker.read'], systemUserOrg: `0192:${ORG}`, systemUserName: 'name' });
    clock.advance(121_000);
    expect(fake.lookup(token)).toBeUndefined();
  });

  it('refuses a grant signed with a certificate it does not know', async () => {
    expect(await post(await grant({ key: stranger }))).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
  });

  it('refuses a grant for another audience, or living longer than 120 seconds', async () => {
    expect(await post(await grant({ audience: 'https://maskinporten.no/' }))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await post(await grant({ lifetimeS: 121 }))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a system user of an organisation it does not know, and a grant of another type', async () => {
    expect(await post(await grant({ claims: systemUser('0192:999999999') }))).toMatchObject({ status: 400, body: { error: 'invalid_altinn_customer_configuration' } });
    expect(await post(await grant(), 'client_credentials')).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it('fails the next request on demand, then answers again', async () => {
    fake.failures.failNext(1);
    expect((await post(await grant())).status).toBe(503);
    expect((await post(await grant())).status).toBe(200);
  });
});
