import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock/index.js';
import type { KeystoreEntry } from '../../../src/crypto/index.js';
import { startFakeAltinn, startFakeMaskinporten, type FakeAltinn, type FakeMaskinporten } from '../../../src/sandbox/index.js';
import {
  AltinnTokenRefusedError, AltinnTokenUnavailableError, createAltinnTokens, type AltinnTokens, type SystemUser,
} from '../../../src/transports/dpo/index.js';
import { cucumberEntry } from '../../crypto/fixtures.js';
import { PART, SENDER } from './support.js';

const START = '2030-01-15T12:00:00Z';
const OWN: SystemUser = { orgId: `0192:${SENDER}`, name: `${SENDER}_integrasjonspunkt_systembruker_${SENDER}` };
const REPORTEE: SystemUser = { orgId: `0192:${PART}`, name: `${PART}_integrasjonspunkt_systembruker_${PART}` };

let key: KeystoreEntry;
let clock: ReturnType<typeof manualClock>;
let maskinporten: FakeMaskinporten;
let altinn: FakeAltinn;

beforeAll(async () => {
  key = await cucumberEntry(SENDER);
  clock = manualClock(START);
  const part = await cucumberEntry(PART);
  maskinporten = await startFakeMaskinporten({ clock, organisations: [{ orgnr: SENDER, certificatePem: key.certificate.toString() }, { orgnr: PART, certificatePem: part.certificate.toString() }] });
  altinn = await startFakeAltinn({ clock, maskinporten });
});
afterAll(async () => {
  await Promise.all([maskinporten.close(), altinn.close()]);
});

function tokensFor(exchangeUrl = altinn.tokenExchangeUrl, tokenUrl = maskinporten.tokenUrl): AltinnTokens {
  return createAltinnTokens({
    maskinporten: { tokenUrl, audience: maskinporten.audience, clientId: `MOVE_IP_${SENDER}`, signingKey: key.privateKey, certificateChainPem: key.certificate.toString() },
    exchangeUrl,
    clock,
  });
}

async function withServer(answer: (url: string) => { status: number; type: string; body: string }, run: (base: string) => Promise<void>): Promise<void> {
  const server: Server = createServer((req, res) => {
    req.resume();
    const { status, type, body } = answer(req.url ?? '');
    res.writeHead(status, { 'content-type': type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  }
}

describe(createAltinnTokens.name, () => {
  it('asks Maskinporten for the system user and scope, and gets an Altinn token for that system user', async () => {
    const issued = maskinporten.issued.length;
    const token = await tokensFor().token(REPORTEE, 'altinn:broker.write');
    expect(maskinporten.issued.slice(issued)).toMatchObject([{ orgnr: SENDER, clientId: `MOVE_IP_${SENDER}`, scopes: ['altinn:broker.write'], systemUserOrg: `0192:${PART}`, systemUserName: REPORTEE.name }]);
    expect(decodeJwt(token)).toMatchObject({ scope: 'altinn:broker.write', authorization_details: { systemuser_org: { ID: `0192:${PART}` } } });
  });

  it('reuses the token until shortly before it expires, then fetches a new one', async () => {
    const tokens = tokensFor();
    const issued = maskinporten.issued.length;
    const first = await tokens.token(OWN, 'altinn:broker.read');
    clock.advance(20 * 60_000);
    expect(await tokens.token(OWN, 'altinn:broker.read')).toBe(first);
    expect(maskinporten.issued.length - issued).toBe(1);
    clock.advance(9 * 60_000);
    expect(await tokens.token(OWN, 'altinn:broker.read')).not.toBe(first);
    expect(maskinporten.issued.length - issued).toBe(2);
  });

  it('keeps one token per system user and scope, and fetches once for calls made together', async () => {
    const tokens = tokensFor();
    const issued = maskinporten.issued.length;
    const [a, b, c, d] = await Promise.all([
      tokens.token(OWN, 'altinn:broker.read'), tokens.token(OWN, 'altinn:broker.read'),
      tokens.token(OWN, 'altinn:broker.write'), tokens.token(REPORTEE, 'altinn:broker.read'),
    ]);
    expect(a).toBe(b);
    expect(new Set([a, c, d]).size).toBe(3);
    expect(maskinporten.issued.length - issued).toBe(3);
  });

  it('fetches a new token after one was dropped', async () => {
    const tokens = tokensFor();
    const first = await tokens.token(OWN, 'altinn:broker.write');
    tokens.invalidate(OWN, 'altinn:broker.write');
    clock.advance(1000);
    expect(await tokens.token(OWN, 'altinn:broker.write')).not.toBe(first);
  });

  it('unwraps the {"access_token": …} answer of the reference\'s test stubs', async () => {
    await withServer((url) => (url === '/token'
      ? { status: 200, type: 'application/json', body: '{ "access_token" : "DummyMaskinportenToken" }' }
      : { status: 200, type: 'application/json', body: '{ "access_token" : "DummyAltinnToken" }' }), async (base) => {
      expect(await tokensFor(`${base}/altinntoken`, `${base}/token`).token(OWN, 'altinn:broker.read')).toBe('DummyAltinnToken');
    });
  });

  it('tells a refused exchange from one that could not be reached', async () => {
    await withServer(() => ({ status: 403, type: 'text/plain', body: 'no system user' }), async (base) => {
      await expect(tokensFor(`${base}/exchange`).token(OWN, 'altinn:broker.read')).rejects.toBeInstanceOf(AltinnTokenRefusedError);
    });
    await withServer(() => ({ status: 503, type: 'text/plain', body: '' }), async (base) => {
      await expect(tokensFor(`${base}/exchange`).token(OWN, 'altinn:broker.read')).rejects.toBeInstanceOf(AltinnTokenUnavailableError);
    });
    await expect(tokensFor('http://127.0.0.1:1/exchange').token(OWN, 'altinn:broker.read')).rejects.toBeInstanceOf(AltinnTokenUnavailableError);
  });
});
