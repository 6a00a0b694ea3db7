import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { ServiceRecord } from '../../../src/addressing/index.js';
import { systemClock, type Clock } from '../../../src/clock/index.js';
import { testConfig } from '../../../src/config/testing.js';
import { decryptCms, readAsic, type AsicReadResult, type KeystoreEntry } from '../../../src/crypto/index.js';
import type { StandardBusinessDocument } from '../../../src/domain/index.js';
import { sequenceIds, type IdGenerator } from '../../../src/ids/index.js';
import { startFakeAltinn, startFakeMaskinporten, type FakeAltinn, type FakeMaskinporten } from '../../../src/sandbox/index.js';
import type { FileRecord } from '../../../src/store/index.js';
import { createAltinnTokens, createDpoTransport, type AltinnTokens, type DpoTransportOptions } from '../../../src/transports/dpo/index.js';
import type { OutgoingMessage, Transport } from '../../../src/transports/index.js';
import { record } from '../../addressing/builders.js';
import { cucumberEntry } from '../../crypto/fixtures.js';

// A DPO world for tests: the sandbox's Maskinporten and Altinn on 127.0.0.1, and a transport per
// organisation built over them, each with its own work folder.

export const SENDER = '910077473';
export const RECEIVER = '910075918';
/** A third organisation of cucumber.p12, used as a reportee. */
export const PART = '910075924';
export const PROCESS = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';

export interface Party {
  orgnr: string;
  key: KeystoreEntry;
  tokens: AltinnTokens;
  transport: Transport;
  workDir: string;
}

export interface DpoWorld {
  maskinporten: FakeMaskinporten;
  altinn: FakeAltinn;
  party(orgnr: string, overrides?: PartyOptions): Promise<Party>;
  close(): Promise<void>;
}

export interface PartyOptions {
  config?: Record<string, unknown>;
  /** Another party's work folder, as a restarted daemon finds its own. */
  workDir?: string;
  ids?: IdGenerator;
  clock?: Clock;
}

export async function startDpoWorld(clock: Clock = systemClock): Promise<DpoWorld> {
  const keys = new Map<string, KeystoreEntry>();
  for (const orgnr of [SENDER, RECEIVER, PART]) keys.set(orgnr, await cucumberEntry(orgnr));
  const maskinporten = await startFakeMaskinporten({
    clock,
    organisations: [...keys].map(([orgnr, key]) => ({ orgnr, certificatePem: key.certificate.toString() })),
  });
  const altinn = await startFakeAltinn({ clock, maskinporten });
  const dirs: string[] = [];
  return {
    maskinporten,
    altinn,
    async party(orgnr, overrides = {}) {
      const key = keys.get(orgnr) ?? await cucumberEntry(orgnr);
      const workDir = overrides.workDir ?? await mkdtemp(join(tmpdir(), `efm-dpo-${orgnr}-`));
      dirs.push(workDir);
      const partyClock = overrides.clock ?? clock;
      const config = testConfig({
        'efm.org.number': orgnr,
        'efm.dpo.brokerservice-url': altinn.brokerUrl,
        'efm.dpo.altinn-token-exchange-url': altinn.tokenExchangeUrl,
        ...overrides.config,
      }).dpo;
      const tokens = createAltinnTokens({
        maskinporten: {
          tokenUrl: maskinporten.tokenUrl, audience: maskinporten.audience, clientId: `MOVE_IP_${orgnr}`,
          signingKey: key.privateKey, certificateChainPem: key.certificate.toString(),
        },
        exchangeUrl: config.altinnTokenExchangeUrl,
        clock: partyClock,
      });
      const options: DpoTransportOptions = { config, ownKey: key, ids: overrides.ids ?? sequenceIds([randomUUID()]), tokens, clock: partyClock, workDir };
      return { orgnr, key, tokens, transport: createDpoTransport(options), workDir };
    },
    async close() {
      await Promise.all([maskinporten.close(), altinn.close()]);
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

export interface DocumentSpec {
  filename: string;
  mimetype: string;
  content: Buffer | (() => Readable);
  primaryDocument?: boolean;
}

export interface MessageSpec {
  from?: string;
  to?: string;
  type?: string;
  documents?: DocumentSpec[];
  /** Default: the receiver's certificate from the world. */
  certificatePem?: string | null;
  messageId?: string;
  conversationId?: string;
  /** The SBD's sender value; default `0192:<from>`. */
  senderValue?: string;
  scopes?: Record<string, unknown>[];
}

export function sbdOf(spec: { messageId: string; conversationId: string; from: string; to: string; type: string; senderValue?: string; scopes?: Record<string, unknown>[] }): StandardBusinessDocument {
  const standard = spec.type === 'status' ? 'urn:no:difi:eformidling:xsd::status' : `urn:no:difi:arkivmelding:xsd::${spec.type}`;
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: spec.senderValue ?? `0192:${spec.from}` } }],
      receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${spec.to}` } }],
      documentIdentification: { standard, typeVersion: '2.0', instanceIdentifier: spec.messageId, type: spec.type, creationDateAndTime: '2024-05-01T12:00:00+02:00' },
      businessScope: {
        scope: [
          { type: 'ConversationId', instanceIdentifier: spec.conversationId, identifier: PROCESS, scopeInformation: [{ expectedResponseDateTime: '2099-01-01T00:00:00+01:00' }] },
          ...(spec.scopes ?? []).map((s) => ({ type: 'MessageChannel', ...s })),
        ],
      },
    },
    [spec.type]: spec.type === 'status' ? { status: 'MOTTATT' } : { hoveddokument: 'arkivmelding.xml', sikkerhetsnivaa: 3 },
  };
}

export async function outgoingMessage(world: { receiverCertificate: string }, spec: MessageSpec = {}): Promise<OutgoingMessage> {
  const messageId = spec.messageId ?? randomUUID();
  const conversationId = spec.conversationId ?? randomUUID();
  const from = spec.from ?? SENDER;
  const to = spec.to ?? RECEIVER;
  const type = spec.type ?? 'arkivmelding';
  const documents = spec.documents ?? [
    { filename: 'arkivmelding.xml', mimetype: 'application/xml', content: Buffer.from('<arkivmelding/>') },
    { filename: 'test.txt', mimetype: 'text/plain', content: Buffer.from('Testing 1 2 3') },
  ];
  const now = new Date();
  const files: FileRecord[] = documents.map((d, i) => ({
    identifier: randomUUID(), messageId, direction: 'OUTGOING', dokumentnummer: i + 1, filename: d.filename, mimetype: d.mimetype,
    size: Buffer.isBuffer(d.content) ? d.content.length : 0, primaryDocument: d.primaryDocument ?? false, createdAt: now,
  }));
  const serviceRecord: ServiceRecord = { ...record('DPO', PROCESS, ['urn:no:difi:arkivmelding:xsd::arkivmelding'], to), pemCertificate: spec.certificatePem === undefined ? world.receiverCertificate : spec.certificatePem };
  return {
    message: {
      messageId, conversationId, direction: 'OUTGOING', serviceIdentifier: 'DPO', processIdentifier: PROCESS,
      documentType: 'urn:no:difi:arkivmelding:xsd::arkivmelding', senderIdentifier: from, receiverIdentifier: to,
      sbd: sbdOf({ messageId, conversationId, from, to, type, senderValue: spec.senderValue, scopes: spec.scopes }),
      state: 'QUEUED', createdAt: now, lastUpdated: now,
    },
    files,
    open(file) {
      const content = documents[file.dokumentnummer - 1]?.content;
      if (content === undefined) throw new Error(`no document ${file.filename}`);
      return Buffer.isBuffer(content) ? Readable.from([content]) : content();
    },
    record: serviceRecord,
  };
}

/** Entries of a zip held in memory: name and bytes, in central-directory order. */
export async function zipEntries(bytes: Buffer): Promise<{ name: string; data: Buffer }[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, z) => (error ? reject(error) : resolve(z)));
  });
  const out: { name: string; data: Buffer }[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c)).on('error', reject).on('end', () => {
          out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
          zip.readEntry();
        });
      });
    });
    zip.on('end', resolve).on('error', reject);
    zip.readEntry();
  });
  return out;
}

/** Decrypts a CMS with `key` and reads the ASiC-E inside, with each document's bytes. */
export async function openEncryptedAsic(cms: Buffer, key: KeystoreEntry): Promise<{ result: AsicReadResult; entries: { name: string; data: Buffer }[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of decryptCms(Readable.from([cms]), key)) chunks.push(chunk);
  const plain = Buffer.concat(chunks);
  const dir = await mkdtemp(join(tmpdir(), 'efm-dpo-asic-'));
  try {
    await writeFile(join(dir, 'asic.zip'), plain);
    return { result: await readAsic(join(dir, 'asic.zip')), entries: await zipEntries(plain) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The bytes the broker keeps for a transfer. */
export async function storedUpload(altinn: FakeAltinn, fileTransferId: string): Promise<Buffer> {
  const path = altinn.transfers().find((t) => t.fileTransferId === fileTransferId)?.path;
  if (path === undefined) throw new Error(`the broker keeps no file for ${fileTransferId}`);
  return readFile(path);
}

export { sendContext, recordingSink, type Received } from '../support.js';
