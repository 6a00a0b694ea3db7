import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/clock/index.js';
import { testConfig } from '../../../src/config/testing.js';
import { sequenceIds } from '../../../src/ids/index.js';
import { createAltinnTokens, createDpoTransport } from '../../../src/transports/dpo/index.js';
import type { Transport } from '../../../src/transports/index.js';
import { cucumberEntry } from '../../crypto/fixtures.js';
import { outgoingMessage, recordingSink, RECEIVER, SENDER, sendContext, zipEntries } from './support.js';

// The requests exactly as the conformance harness's stubs expect them (CONTRACT.md §8.2): the reference's
// own test stubs answer Maskinporten with a token without expires_in and the exchange with
// `{"access_token": …}`, and match the broker's paths and query strings character by character.

interface Seen { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }

const FILE_TRANSFER_ID = randomUUID();
const INCOMING_ID = randomUUID();
const REFERENCE = '19efbd4c-413d-4e2c-bbc5-257ef4a65b38';
const LIST = '/broker/api/v1/filetransfer?resourceId=eformidling-dpo-meldingsutveksling&status=Published&recipientStatus=Initialized';

let server: Server;
let base: string;
let transport: Transport;
let workDir: string;
const seen: Seen[] = [];
let incomingZip: Buffer = Buffer.alloc(0);

beforeAll(async () => {
  const key = await cucumberEntry(SENDER);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      const url = req.url ?? '';
      seen.push({ method: req.method ?? '', url, headers: req.headers, body: Buffer.concat(chunks) });
      const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (url === '/token') return json({ access_token: 'DummyMaskinportenToken' });
      if (url === '/altinntoken') return json({ access_token: 'DummyAltinnToken' });
      if (url === '/broker/api/v1/filetransfer/' && req.method === 'POST') return json({ fileTransferId: FILE_TRANSFER_ID });
      if (url === `/broker/api/v1/filetransfer/${FILE_TRANSFER_ID}/upload`) return res.writeHead(200).end();
      if (url === LIST) return json([INCOMING_ID]);
      if (url === `/broker/api/v1/filetransfer/${INCOMING_ID}`) return json({ fileTransferId: INCOMING_ID, sendersFileTransferReference: randomUUID() });
      if (url === `/broker/api/v1/filetransfer/${INCOMING_ID}/download`) return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(incomingZip);
      if (url === `/broker/api/v1/filetransfer/${INCOMING_ID}/confirmdownload`) return res.writeHead(200).end();
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  workDir = await mkdtemp(join(tmpdir(), 'efm-dpo-wire-'));
  const clock = fixedClock('2019-03-25T11:38:23Z');
  const config = testConfig({
    'difi.move.dpo.brokerserviceUrl': `${base}/broker/api/v1`,
    'difi.move.dpo.altinnTokenExchangeUrl': `${base}/altinntoken`,
    'difi.move.dpo.system-user.org-id': `0192:${SENDER}`,
    'difi.move.dpo.system-user.name': SENDER,
  }).dpo;
  const tokens = createAltinnTokens({
    maskinporten: { tokenUrl: `${base}/token`, audience: `${base}/`, clientId: `MOVE_IP_${SENDER}`, signingKey: key.privateKey, certificateChainPem: key.certificate.toString() },
    exchangeUrl: config.altinnTokenExchangeUrl,
    clock,
  });
  transport = createDpoTransport({ config, ownKey: key, ids: sequenceIds([REFERENCE, randomUUID()]), tokens, clock, workDir });
});
afterAll(async () => {
  await new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  await rm(workDir, { recursive: true, force: true });
});

describe('DPO on the wire', () => {
  it('initializes with the reference JSON, including the null members, and uploads the zip with its length', async () => {
    const receiver = await cucumberEntry(RECEIVER);
    const message = await outgoingMessage({ receiverCertificate: receiver.certificate.toString() });
    await transport.send(message, sendContext());

    const init = seen.find((s) => s.url === '/broker/api/v1/filetransfer/');
    expect(init?.headers['content-type']).toBe('application/json');
    expect(init?.headers.authorization).toBe('Bearer DummyAltinnToken');
    expect(JSON.parse(init?.body.toString('utf8') ?? '')).toStrictEqual({
      fileName: 'sbd.zip',
      resourceId: 'eformidling-dpo-meldingsutveksling',
      sendersFileTransferReference: REFERENCE,
      sender: `0192:${SENDER}`,
      recipients: [`0192:${RECEIVER}`],
      propertyList: {},
      checksum: null,
      disableVirusScan: null,
    });
    const upload = seen.find((s) => s.url === `/broker/api/v1/filetransfer/${FILE_TRANSFER_ID}/upload`);
    expect(upload?.method).toBe('POST');
    expect(upload?.headers['content-type']).toBe('application/octet-stream');
    expect(Number(upload?.headers['content-length'])).toBe(upload?.body.length);
    expect((await zipEntries(upload?.body ?? Buffer.alloc(0))).map((e) => e.name)).toEqual(['sbd.json', 'asic.zip']);
  });

  it('polls with the exact list query, downloads, and confirms after the sink took the message', async () => {
    seen.length = 0;
    const sender = await cucumberEntry(SENDER);
    // An incoming zip as the reference sends it: sbd.json only is enough for the poll's own checks.
    const message = await outgoingMessage({ receiverCertificate: sender.certificate.toString() }, { type: 'status', documents: [], certificatePem: null });
    incomingZip = await zipOf(JSON.stringify(message.message.sbd));
    const sink = recordingSink();
    await transport.poll?.(sink, new AbortController().signal);
    expect(sink.received.map((r) => r.sbd)).toEqual([message.message.sbd]);
    expect(seen.filter((s) => s.url.startsWith('/broker')).map((s) => `${s.method} ${s.url}`)).toEqual([
      `GET ${LIST}`,
      `GET /broker/api/v1/filetransfer/${INCOMING_ID}`,
      `GET /broker/api/v1/filetransfer/${INCOMING_ID}/download`,
      `POST /broker/api/v1/filetransfer/${INCOMING_ID}/confirmdownload`,
      `GET ${LIST}`,
    ]);
  });
});

async function zipOf(sbdJson: string): Promise<Buffer> {
  const { default: yazl } = await import('yazl');
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(sbdJson), 'sbd.json');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
