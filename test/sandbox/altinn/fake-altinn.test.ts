import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock/index.js';
import type { KeystoreEntry } from '../../../src/crypto/index.js';
import { loadUndici } from '../../../src/http/index.js';
import { startFakeAltinn, startFakeMaskinporten, type FakeAltinn, type FakeMaskinporten } from '../../../src/sandbox/index.js';
import { cucumberEntry } from '../../crypto/fixtures.js';

const SENDER = '910077473';
const RECEIVER = '910075918';
const RESOURCE = 'eformidling-dpo-meldingsutveksling';
type Scope = 'altinn:broker.read' | 'altinn:broker.write';

let keys: Map<string, KeystoreEntry>;
let maskinporten: FakeMaskinporten;
let altinn: FakeAltinn;

beforeAll(async () => {
  keys = new Map([[SENDER, await cucumberEntry(SENDER)], [RECEIVER, await cucumberEntry(RECEIVER)]]);
  maskinporten = await startFakeMaskinporten({ organisations: [...keys].map(([orgnr, k]) => ({ orgnr, certificatePem: k.certificate.toString() })) });
  altinn = await startFakeAltinn({ maskinporten, maxFileTransferBytes: 1024 });
});
afterAll(async () => {
  await Promise.all([maskinporten.close(), altinn.close()]);
});
afterEach(() => altinn.failures.clear());

interface Answer { status: number; text: string; json(): unknown }

async function call(method: 'GET' | 'POST', url: string, options: { token?: string; headers?: Record<string, string>; body?: string | Buffer | Readable } = {}): Promise<Answer> {
  const { request } = await loadUndici();
  const response = await request(url, {
    method,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    body: options.body,
  });
  const text = await response.body.text();
  return { status: response.statusCode, text, json: () => JSON.parse(text) as unknown };
}

async function altinnToken(orgnr: string, scope: Scope): Promise<string> {
  const key = keys.get(orgnr);
  if (key === undefined) throw new Error(`no key for ${orgnr}`);
  const iat = Math.floor(systemClock.now().getTime() / 1000);
  const assertion = await new SignJWT({ scope, authorization_details: [{ type: 'urn:altinn:systemuser', systemuser_org: { authority: 'iso6523-actorid-upis', ID: `0192:${orgnr}` }, externalRef: orgnr }] })
    .setProtectedHeader({ alg: 'RS256', x5c: [key.certificate.raw.toString('base64')] })
    .setAudience(maskinporten.audience).setIssuer(`MOVE_IP_${orgnr}`).setIssuedAt(iat).setExpirationTime(iat + 60).setJti(randomUUID())
    .sign(key.privateKey);
  const grant = await call('POST', maskinporten.tokenUrl, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
  });
  const exchanged = await call('GET', altinn.tokenExchangeUrl, { token: String((grant.json() as { access_token: string }).access_token) });
  expect(exchanged.status).toBe(200);
  return exchanged.text;
}

const broker = (path = '') => `${altinn.brokerUrl}/filetransfer${path}`;

async function initialize(token: string, overrides: Record<string, unknown> = {}): Promise<Answer> {
  return call('POST', broker('/'), {
    token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fileName: 'sbd.zip', resourceId: RESOURCE, sendersFileTransferReference: 'ref', sender: `0192:${SENDER}`, recipients: [`0192:${RECEIVER}`], ...overrides }),
  });
}

async function upload(token: string, id: string, body: Buffer): Promise<Answer> {
  return call('POST', broker(`/${id}/upload`), { token, headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) }, body });
}

async function published(body = Buffer.from('payload')): Promise<string> {
  const write = await altinnToken(SENDER, 'altinn:broker.write');
  const id = String((((await initialize(write)).json()) as { fileTransferId: string }).fileTransferId);
  expect((await upload(write, id, body)).status).toBe(200);
  return id;
}

const NEW = `?resourceId=${RESOURCE}&status=Published&recipientStatus=Initialized`;

describe(startFakeAltinn.name, () => {
  it('refuses the exchange of a token Maskinporten did not issue, and the broker without an Altinn token', async () => {
    expect((await call('GET', altinn.tokenExchangeUrl, { token: 'forged' })).status).toBe(401);
    expect((await call('GET', broker(NEW))).status).toBe(401);
    expect((await call('GET', broker(NEW), { token: 'forged' })).status).toBe(401);
  });

  it('publishes an upload to the recipient, serves it, and after the confirmation lists it no more', async () => {
    const id = await published(Buffer.from('the zip'));
    const read = await altinnToken(RECEIVER, 'altinn:broker.read');
    expect((await call('GET', broker(NEW), { token: read })).json()).toContain(id);
    expect((await call('GET', broker(`/${id}`), { token: read })).json()).toMatchObject({
      fileTransferId: id, fileTransferStatus: 'Published', sendersFileTransferReference: 'ref', fileTransferSize: 7, sender: `0192:${SENDER}`,
      recipients: [{ recipient: `0192:${RECEIVER}`, currentRecipientFileTransferStatusCode: 'Initialized' }],
    });
    const download = await call('GET', broker(`/${id}/download`), { token: read });
    expect([download.status, download.text]).toEqual([200, 'the zip']);
    expect((await call('POST', broker(`/${id}/confirmdownload`), { token: read })).status).toBe(200);
    expect((await call('GET', broker(NEW), { token: read })).json()).not.toContain(id);
    expect(altinn.transfers().find((t) => t.fileTransferId === id)).toMatchObject({ status: 'AllConfirmedDownloaded', path: undefined });
    expect((await call('GET', broker(`/${id}/download`), { token: read })).status).toBe(400);
  });

  it('lists a transfer whose download started but was not confirmed no more as new, as the real broker', async () => {
    const id = await published();
    const read = await altinnToken(RECEIVER, 'altinn:broker.read');
    await call('GET', broker(`/${id}/download`), { token: read });
    expect((await call('GET', broker(NEW), { token: read })).json()).not.toContain(id);
    expect((await call('GET', broker(`?resourceId=${RESOURCE}&recipientStatus=DownloadStarted`), { token: read })).json()).toContain(id);
  });

  it('refuses to initialize for another sender, an unknown resource, or with the read scope', async () => {
    const write = await altinnToken(SENDER, 'altinn:broker.write');
    expect((await initialize(write, { sender: `0192:${RECEIVER}` })).status).toBe(403);
    expect((await initialize(write, { resourceId: 'nope' })).status).toBe(403);
    expect((await initialize(await altinnToken(SENDER, 'altinn:broker.read'))).status).toBe(403);
  });

  it('refuses an upload without Content-Length, a second upload, and one over the size limit', async () => {
    const write = await altinnToken(SENDER, 'altinn:broker.write');
    const id = String((((await initialize(write)).json()) as { fileTransferId: string }).fileTransferId);
    // A stream body of unknown length goes out chunked, without Content-Length.
    const chunked = await call('POST', broker(`/${id}/upload`), { token: write, headers: { 'content-type': 'application/octet-stream' }, body: Readable.from([Buffer.from('x')]) });
    expect([chunked.status, (chunked.json() as { detail: string }).detail]).toEqual([400, 'Content-length header is required']);
    expect((await upload(write, id, Buffer.from('x'))).status).toBe(200);
    expect((await upload(write, id, Buffer.from('x'))).status).toBe(409);
    const big = String((((await initialize(write)).json()) as { fileTransferId: string }).fileTransferId);
    expect((await upload(write, big, Buffer.alloc(2048))).status).toBe(400);
  });

  it('lets only a recipient download, and only after its download a confirmation', async () => {
    const id = await published();
    expect((await call('GET', broker(`/${id}/download`), { token: await altinnToken(SENDER, 'altinn:broker.read') })).status).toBe(403);
    expect((await call('POST', broker(`/${id}/confirmdownload`), { token: await altinnToken(RECEIVER, 'altinn:broker.read') })).status).toBe(400);
  });

  it('fails the next N matching requests, or every one at a rate of 1, without changing anything', async () => {
    const read = await altinnToken(RECEIVER, 'altinn:broker.read');
    altinn.failures.failNext(2, { path: /\/filetransfer$/ });
    expect((await call('GET', broker(NEW), { token: read })).status).toBe(503);
    expect((await call('GET', broker(NEW), { token: read })).status).toBe(503);
    expect((await call('GET', broker(NEW), { token: read })).status).toBe(200);
    const before = altinn.transfers().length;
    altinn.failures.failRate(1, { status: 500, method: 'POST' });
    expect((await initialize(await altinnToken(SENDER, 'altinn:broker.write'))).status).toBe(500);
    expect(altinn.transfers()).toHaveLength(before);
    expect(altinn.failures.failed).toBe(3);
  });
});
