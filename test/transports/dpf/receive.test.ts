import type { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { createCmsEncryptStream, extractAsic } from '../../../src/crypto/index.js';
import { sequenceIds } from '../../../src/ids/index.js';
import { SvarInnRefusedError } from '../../../src/transports/dpf/index.js';
import { cucumberEntry } from '../../crypto/fixtures.js';
import {
  featureDocStrings, OTHER_ORG, recordingSink, SENDER, startDpfWorld, tempFolder, USER, xmlShape, type DpfWorld, type Received,
} from './support.js';

// SvarInn → the case system (nextmove_receive_dpf.feature): the forsendelse is fetched, decrypted and
// rebuilt into the SBD and arkivmelding.xml the feature expects, with the systemIDs drawn from the
// IdGenerator in the reference's order (CONTRACT.md §4); SvarInn is told only after the sink has it.

const FEATURE = featureDocStrings('nextmove_receive_dpf.feature');
const FORSENDELSE_LIST = FEATURE[0] ?? '';
const FILES = [
  { filnavn: 'primary.html', mimetype: 'text/html', content: Buffer.from(FEATURE[1] ?? '') },
  { filnavn: 'before_the_law.txt', mimetype: 'text/plain', content: Buffer.from(FEATURE[2] ?? '') },
];
const EXPECTED_SBD: unknown = JSON.parse(FEATURE[3] ?? '');
const EXPECTED_ARKIVMELDING = FEATURE[4] ?? '';
const FORSENDELSE_ID = '81264cfa-1ba5-4fb5-a95d-48c824ed3bbb';
// The feature's systemIDs: the journalpost's first, then the saksmappe's and every dokumentbeskrivelse's.
const IDS = ['19efbd4c-413d-4e2c-bbc5-257ef4a65b38', 'ac5efbd4c-413d-4e2c-bbc5-257ef4a65b23'];

/** SvarInn as the harness stubs it: one listed forsendelse, its CMS(zip), and the acknowledgement. */
interface StubSvarInn {
  baseUrl: string;
  acknowledged: string[];
  downloads: number;
  close(): Promise<void>;
}

async function stubSvarInn(list: string, downloads: ReadonlyMap<string, Buffer>): Promise<StubSvarInn> {
  const state = { acknowledged: [] as string[], downloads: 0 };
  const server: Server = createServer((req, res) => {
    req.resume();
    const path = req.url ?? '';
    if (req.headers.authorization !== `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`) return void res.writeHead(401).end();
    if (req.method === 'GET' && path === '/tjenester/svarinn/mottaker/hentNyeForsendelser') return void res.writeHead(200, { 'content-type': 'application/json' }).end(list);
    const download = /^\/tjenester\/svarinn\/mottaker\/forsendelse\/([^/]+)$/.exec(path);
    const body = download ? downloads.get(download[1] ?? '') : undefined;
    if (req.method === 'GET' && body !== undefined) {
      state.downloads++;
      return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    }
    const kvittering = /^\/tjenester\/svarinn\/kvitterMottak\/forsendelse\/([^/]+)$/.exec(path);
    if (req.method === 'POST' && kvittering) {
      state.acknowledged.push(kvittering[1] ?? '');
      return void res.writeHead(200).end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/tjenester/svarinn`,
    get acknowledged() { return state.acknowledged; },
    get downloads() { return state.downloads; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A zip of the files, CMS-encrypted (RSA-OAEP, AES-256-CBC) to `recipient`, as the harness makes it. */
async function encryptedZip(files: readonly { filnavn: string; content: Buffer }[], recipient: X509Certificate): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(f.content, f.filnavn);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from(zip.outputStream).pipe(createCmsEncryptStream({ recipient }))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let world: DpfWorld;
const stubs: StubSvarInn[] = [];

beforeAll(async () => {
  world = await startDpfWorld();
});
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});
afterAll(() => world.close());

async function featureStub(): Promise<StubSvarInn> {
  const stub = await stubSvarInn(FORSENDELSE_LIST, new Map([[FORSENDELSE_ID, await encryptedZip(FILES, world.senderKey.certificate)]]));
  stubs.push(stub);
  return stub;
}

async function asicDocuments(received: Received | undefined): Promise<Map<string, { mimetype?: string; content: Buffer }>> {
  const folder = await tempFolder();
  try {
    await writeFile(join(folder.path, 'asic.zip'), received?.asic ?? Buffer.alloc(0));
    const result = await extractAsic(join(folder.path, 'asic.zip'), folder.path);
    const out = new Map<string, { mimetype?: string; content: Buffer }>();
    for (const d of result.documents) out.set(d.name, { mimetype: d.mimetype, content: await readFile(join(folder.path, d.name)) });
    return out;
  } finally {
    await folder.remove();
  }
}

describe('DPF receive', () => {
  it('rebuilds the SBD of nextmove_receive_dpf.feature', async () => {
    const stub = await featureStub();
    const sink = recordingSink();

    await world.transport({ config: { 'difi.move.fiks.inn.baseUrl': stub.baseUrl }, ids: sequenceIds(IDS) }).poll?.(sink, new AbortController().signal);

    expect(sink.received).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(sink.received[0]?.sbd))).toEqual(EXPECTED_SBD);
  });

  it('rebuilds the arkivmelding.xml and ASiC-E of the feature, unencrypted, with the files and their MIME types', async () => {
    const stub = await featureStub();
    const sink = recordingSink();

    await world.transport({ config: { 'difi.move.fiks.inn.baseUrl': stub.baseUrl }, ids: sequenceIds(IDS) }).poll?.(sink, new AbortController().signal);

    expect(sink.received[0]?.encrypted).toBe(false);
    const documents = await asicDocuments(sink.received[0]);
    expect([...documents.keys()]).toEqual(['manifest.xml', 'arkivmelding.xml', 'primary.html', 'before_the_law.txt']);
    const arkivmelding = documents.get('arkivmelding.xml');
    expect(arkivmelding?.mimetype).toBe('application/xml');
    const text = arkivmelding?.content.toString('utf8') ?? '';
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')).toBe(true);
    expect(xmlShape(text)).toEqual(xmlShape(EXPECTED_ARKIVMELDING));
    expect(documents.get('primary.html')).toEqual({ mimetype: 'text/html', content: FILES[0]?.content });
    expect(documents.get('before_the_law.txt')).toEqual({ mimetype: 'text/plain', content: FILES[1]?.content });
  });

  it('acknowledges the forsendelse only after the sink has it', async () => {
    const stub = await featureStub();
    const seenAtAccept: number[] = [];
    const sink = recordingSink(() => {
      seenAtAccept.push(stub.acknowledged.length);
      return 'stored';
    });

    await world.transport({ config: { 'difi.move.fiks.inn.baseUrl': stub.baseUrl } }).poll?.(sink, new AbortController().signal);

    expect(seenAtAccept).toEqual([0]);
    expect(stub.acknowledged).toEqual([FORSENDELSE_ID]);
  });

  it('leaves the forsendelse at SvarInn when the sink fails, and takes it on the next poll', async () => {
    const stub = await featureStub();
    let isDown = true;
    const sink = recordingSink(() => {
      if (isDown) throw new Error('database unavailable');
      return 'stored';
    });
    const transport = world.transport({ config: { 'difi.move.fiks.inn.baseUrl': stub.baseUrl } });

    await transport.poll?.(sink, new AbortController().signal);
    expect(stub.acknowledged).toEqual([]);
    isDown = false;
    await transport.poll?.(sink, new AbortController().signal);

    expect(stub.acknowledged).toEqual([FORSENDELSE_ID]);
    expect(stub.downloads).toBe(2);
  });

  it('leaves a forsendelse it cannot decrypt unacknowledged and goes on with the next', async () => {
    const list = JSON.parse(FORSENDELSE_LIST) as Record<string, unknown>[];
    const second = { ...list[0], id: 'b0b0b0b0-1ba5-4fb5-a95d-48c824ed3bbb', downloadUrl: '/mottaker/forsendelse/b0b0b0b0-1ba5-4fb5-a95d-48c824ed3bbb' };
    const other = await cucumberEntry(OTHER_ORG);
    const stub = await stubSvarInn(JSON.stringify([list[0], second]), new Map([
      [FORSENDELSE_ID, await encryptedZip(FILES, other.certificate)],
      [second.id, await encryptedZip(FILES, world.senderKey.certificate)],
    ]));
    stubs.push(stub);
    const sink = recordingSink();

    await world.transport({ config: { 'difi.move.fiks.inn.baseUrl': stub.baseUrl } }).poll?.(sink, new AbortController().signal);

    expect(sink.received.map((r) => r.sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier)).toEqual([second.id]);
    expect(stub.acknowledged).toEqual([second.id]);
  });

  it('does not send the SvarInn user to a download URL on another host', async () => {
    const list = JSON.parse(FORSENDELSE_LIST) as Record<string, unknown>[];
    const stub = await stubSvarInn(JSON.stringify([{ ...list[0], downloadUrl: 'http://198.51.100.7/steal' }]), new Map());
    stubs.push(stub);
    const sink = recordingSink();

    await world.transport({ config: { 'difi.move.fiks.inn.baseUrl': stub.baseUrl } }).poll?.(sink, new AbortController().signal);

    expect(sink.received).toEqual([]);
    expect(stub.acknowledged).toEqual([]);
  });

  it('receives what the sandbox\'s SvarInn delivers (PKCS#1 v1.5), after which SvarUt reports it LEST', async () => {
    const id = await world.fake.deliver({
      mottakerOrgnr: SENDER,
      tittel: 'Svar på søknad',
      svarSendesTilOrgnr: '910075918',
      svarSendesTil: { navn: 'Avsender AS', postnr: '0151', poststed: 'Oslo' },
      metadata: { journalposttype: 'I', journalstatus: 'J', saksaar: '2024', sakssekvensnummer: '7' },
      files: [{ filnavn: 'svar.pdf', mimetype: 'application/pdf', content: Buffer.from('%PDF-1.4 svar') }],
    });
    const sink = recordingSink();

    await world.transport().poll?.(sink, new AbortController().signal);

    const header = sink.received[0]?.sbd.standardBusinessDocumentHeader;
    expect(header?.sender?.[0]?.identifier.value).toBe('0192:910075918');
    expect(header?.documentIdentification.instanceIdentifier).toBe(id);
    const documents = await asicDocuments(sink.received[0]);
    expect(documents.get('svar.pdf')).toEqual({ mimetype: 'application/pdf', content: Buffer.from('%PDF-1.4 svar') });
    expect(documents.get('arkivmelding.xml')?.content.toString('utf8')).toContain('<journalposttype>Inngående dokument</journalposttype>');
    expect(world.fake.forsendelser().find((f) => f.id === id)?.status).toBe('LEST');
  });

  it('reads every organisation\'s mailbox, and reports the one SvarInn refused after the others', async () => {
    const id = await world.fake.deliver({ mottakerOrgnr: SENDER, files: [{ filnavn: 'a.txt', mimetype: 'text/plain', content: Buffer.from('a') }] });
    const sink = recordingSink();
    const transport = world.transport({ config: { 'efm.fiks.inn.paa-vegne-av': [`${OTHER_ORG}=nobody:wrong`] } });

    await expect(transport.poll?.(sink, new AbortController().signal)).rejects.toBeInstanceOf(SvarInnRefusedError);

    expect(sink.received.map((r) => r.sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier)).toEqual([id]);
  });

  it('has no poll when SvarInn is switched off', () => {
    expect(world.transport({ config: { 'difi.move.fiks.inn.enable': false } }).poll).toBeUndefined();
  });
});
