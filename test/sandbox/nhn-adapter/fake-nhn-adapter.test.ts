import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMaskinportenClient } from '../../../src/addressing/index.js';
import { createAsicStream, createCmsEncryptStream, type ContentEncryption, type KeystoreEntry } from '../../../src/crypto/index.js';
import { startFakeMaskinporten, type FakeMaskinporten } from '../../../src/sandbox/index.js';
import { startFakeNhnAdapter, type FakeNhnAdapter } from '../../../src/sandbox/nhn-adapter/index.js';
import { sealForretningsmelding } from '../../../src/transports/dph/forretningsmelding.js';
import { multipartBody, type MultipartPart } from '../../../src/http/multipart-body.js';
import { cucumberEntry } from '../../crypto/fixtures.js';
import { CLOCK, DIALOGMELDING_XML, OWN_HER_ID, PEER_HER_ID, sbdOf } from '../../transports/dph/support.js';

// The sandbox's nhn-adapter on its own: what it refuses (no or a wrong token, a forretningsmelding not
// for its key, a dokumentpakke in another CMS form than DPH's), how it moves a message along when asked
// to answer by itself, and what it delivers to the receiving HER id.

let maskinporten: FakeMaskinporten;
let adapter: FakeNhnAdapter;
let own: KeystoreEntry;
let adapterKey: KeystoreEntry;
let token: string;
let dirs: string[] = [];

beforeAll(async () => {
  own = await cucumberEntry('910077473');
  adapterKey = await cucumberEntry('910229028');
  maskinporten = await startFakeMaskinporten({ clock: CLOCK, organisations: [{ orgnr: '910077473', certificatePem: own.certificate.toString() }] });
  const workDir = await mkdtemp(join(tmpdir(), 'efm-nhn-'));
  dirs = [workDir];
  adapter = await startFakeNhnAdapter({ key: adapterKey, workDir, tokens: maskinporten, receipts: 'auto', clock: CLOCK });
  token = await tokenFor(['eformidling:dph']);
});

afterAll(async () => {
  await Promise.all([adapter.close(), maskinporten.close()]);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

beforeEach(() => {
  adapter.failures.clear();
});

function tokenFor(scopes: string[]): Promise<string> {
  return createMaskinportenClient({
    tokenUrl: maskinporten.tokenUrl, audience: maskinporten.audience, clientId: 'MOVE_IP_910077473', scopes, signingKey: own.privateKey,
    certificateChainPem: own.certificate.toString(), clock: CLOCK,
  }).accessToken();
}

async function dokumentpakke(contentEncryption: ContentEncryption): Promise<Buffer> {
  const asic = createAsicStream({ documents: [{ name: 'dialogmelding.xml', mimetype: 'application/xml', content: DIALOGMELDING_XML }], signer: own, clock: CLOCK });
  const chunks: Buffer[] = [];
  for await (const chunk of asic.pipe(createCmsEncryptStream({ recipient: adapterKey.certificate, contentEncryption }))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Sent {
  status: number;
  body: string;
}

async function send(options: { parts?: MultipartPart[]; bearer?: string; recipient?: KeystoreEntry; contentEncryption?: ContentEncryption } = {}): Promise<Sent & { messageId: string }> {
  const sbd = sbdOf({ from: `her-id:${OWN_HER_ID}`, to: `her-id:${PEER_HER_ID}`, business: { hoveddokument: 'dialogmelding.xml', pasient: { fnr: '17912099997', fornavn: 'A', etternavn: 'B' } } });
  const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier ?? '';
  const jwe = await sealForretningsmelding(JSON.stringify(sbd), { signer: own, recipient: (options.recipient ?? adapterKey).certificate });
  const parts = options.parts ?? [
    { name: 'forretningsmelding', filename: 'sbd.jwe', contentType: 'application/jose', content: Buffer.from(jwe) },
    { name: 'dokumentpakke', filename: 'asic.zip', contentType: 'application/vnd.etsi.asic-e+zip', content: await dokumentpakke(options.contentEncryption ?? 'aes-256-gcm-tag-appended') },
  ];
  const body = multipartBody(parts);
  const chunks: Buffer[] = [];
  for await (const chunk of body.stream()) chunks.push(chunk as Buffer);
  const response = await fetch(`${adapter.url}/messages/out`, {
    method: 'POST', body: Buffer.concat(chunks),
    headers: { 'content-type': body.contentType, accept: 'text/plain', ...(options.bearer === '' ? {} : { authorization: `Bearer ${options.bearer ?? token}` }) },
  });
  return { status: response.status, body: await response.text(), messageId };
}

async function statuses(nhnId: string): Promise<unknown> {
  const response = await fetch(`${adapter.url}/messages/out/${nhnId}/statuses`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  return response.json();
}

describe('the sandbox nhn-adapter', () => {
  it('takes a DPH message and answers with its NHN id', async () => {
    const sent = await send();
    expect(sent.status).toBe(200);
    expect(adapter.sent.find((m) => m.nhnId === sent.body)?.messageId).toBe(sent.messageId);
  });

  it('refuses a request without a bearer token (401) or without the eformidling:dph scope (403)', async () => {
    expect((await send({ bearer: '' })).status).toBe(401);
    expect((await send({ bearer: await tokenFor(['eformidling:dpv']) })).status).toBe(403);
  });

  it('refuses a forretningsmelding that is not encrypted to its key', async () => {
    const sent = await send({ recipient: own });
    expect(sent.status).toBe(400);
    expect(sent.body).toContain('does not open with the adapter\'s key');
  });

  it.each(['aes-256-cbc', 'aes-256-gcm'] as const)('refuses a dokumentpakke encrypted with %s instead of DPH\'s GCM form', async (form) => {
    const sent = await send({ contentEncryption: form });
    expect(sent.status).toBe(400);
    expect(sent.body).toContain('must be EnvelopedData with AES-256-GCM');
  });

  it('refuses a dialogmelding without its dokumentpakke', async () => {
    const sbd = sbdOf({ from: `her-id:${OWN_HER_ID}`, to: `her-id:${PEER_HER_ID}` });
    const jwe = await sealForretningsmelding(JSON.stringify(sbd), { signer: own, recipient: adapterKey.certificate });
    const sent = await send({ parts: [{ name: 'forretningsmelding', filename: 'sbd.jwe', contentType: 'application/jose', content: Buffer.from(jwe) }] });
    expect(sent.status).toBe(400);
    expect(sent.body).toContain('needs its dokumentpakke');
  });

  it('answers a status query about an unknown message with an empty list', async () => {
    expect(await statuses(randomUUID())).toEqual([]);
  });

  it('moves a dialogmelding on by itself: acknowledged, then an application receipt OK for the sender', async () => {
    const sent = await send();
    expect(await statuses(sent.body)).toEqual([{ receiverHerId: Number(PEER_HER_ID), transportStatus: 'ACKNOWLEDGED' }]);
    expect(await statuses(sent.body)).toEqual([{ receiverHerId: Number(PEER_HER_ID), transportStatus: 'ACKNOWLEDGED', apprecStatus: 'OK' }]);
    const receipt = adapter.inbox.find((m) => m.isAppRec && m.receiverHerId === Number(OWN_HER_ID) && m.payload.includes(sent.messageId));
    expect(receipt).toBeDefined();
    expect(JSON.parse(receipt?.payload ?? '{}')).toMatchObject({ dialogmelding_kvittering: { relatedToMessageId: sent.messageId, status: 'OK' } });
  });

  it('delivers a message it takes to the receiving HER id, under the same id', async () => {
    const sent = await send();
    const waiting = await fetch(`${adapter.url}/messages/in?receiverHerId=${PEER_HER_ID}`, { headers: { authorization: `Bearer ${token}` } });
    const list = await waiting.json() as { id: string; senderHerId: number; businessDocumentId: string; isAppRec: boolean }[];
    expect(list).toContainEqual(expect.objectContaining({ id: sent.body, senderHerId: Number(OWN_HER_ID), businessDocumentId: sent.messageId, isAppRec: false }));
  });

  it('refuses to mark a message read for a HER id it is not for', async () => {
    const sent = await send();
    const response = await fetch(`${adapter.url}/messages/in/${sent.body}/read?receiverHerId=${OWN_HER_ID}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(403);
    expect(adapter.inbox.find((m) => m.id === sent.body)?.read).toBe(false);
  });

  it('fails on demand without taking the message', async () => {
    adapter.failures.failNext(1, { path: /\/messages\/out$/ });
    const before = adapter.sent.length;
    expect((await send()).status).toBe(503);
    expect(adapter.sent).toHaveLength(before);
  });
});
