import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeystoreEntry } from '../../../src/crypto/index.js';
import { createDpiTokens } from '../../../src/transports/dpi/index.js';
import { cucumberEntry } from '../../crypto/fixtures.js';
import { CLOCK, SENDER } from './support.js';

// transports notes §3.1, §5.3: the token for sending names the organisation the letter is from in
// `consumer_org`; the one for statuses and receipts names none. Each is reused while it is fresh.

let server: Server;
let tokenUrl: string;
let key: KeystoreEntry;
const grants: Record<string, unknown>[] = [];

beforeAll(async () => {
  key = await cucumberEntry(SENDER);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    req.on('end', () => {
      grants.push(decodeJwt(new URLSearchParams(body).get('assertion') ?? ''));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `token-${grants.length}`, expires_in: 120 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(async () => { await new Promise<void>((resolve) => server.close(() => resolve())); });

describe(createDpiTokens.name, () => {
  it('asks for a sending token per consumer organisation and a receiving token without one, each once while fresh', async () => {
    const tokens = createDpiTokens({
      tokenUrl, audience: 'https://test.maskinporten.no/', clientId: `MOVE_IP_${SENDER}`, scopes: ['digitalpostinnbygger:send'],
      signingKey: key.privateKey, certificateChainPem: key.certificate.toString(), clock: CLOCK,
    });
    const first = await tokens.forSending('910077473');
    expect(await tokens.forSending('910077473')).toBe(first);
    const onBehalf = await tokens.forSending('987654321');
    const receiving = await tokens.forReceiving();
    expect(new Set([first, onBehalf, receiving]).size).toBe(3);
    expect(grants.map((g) => [g.consumer_org, g.scope, g.iss])).toEqual([
      ['910077473', 'digitalpostinnbygger:send', 'MOVE_IP_910077473'],
      ['987654321', 'digitalpostinnbygger:send', 'MOVE_IP_910077473'],
      [undefined, 'digitalpostinnbygger:send', 'MOVE_IP_910077473'],
    ]);
  });
});
