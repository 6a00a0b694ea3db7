import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { ServiceRecord } from '../../../src/addressing/index.js';
import { fixedClock, type Clock } from '../../../src/clock/index.js';
import { testConfig } from '../../../src/config/testing.js';
import type { KeystoreEntry } from '../../../src/crypto/index.js';
import type { StandardBusinessDocument } from '../../../src/domain/index.js';
import { startFakeCorner2, type FakeCorner2 } from '../../../src/sandbox/dpi/index.js';
import { startFakeMaskinporten, type FakeMaskinporten } from '../../../src/sandbox/index.js';
import type { FileRecord } from '../../../src/store/index.js';
import { createDpiTokens, createDpiTransport, type DpiTransport, type DpiTransportOptions } from '../../../src/transports/dpi/index.js';
import type { OutgoingMessage } from '../../../src/transports/index.js';
import { record } from '../../addressing/builders.js';
import { cucumberEntry } from '../../crypto/fixtures.js';

// A DPI world for tests: the sandbox's Maskinporten and corner 2 (with the KRR print lookup) on
// 127.0.0.1, and DPI transports of 910077473 built over them. The mailbox provider is 910075918, the
// print provider 987464291, both keys from the reference's cucumber.p12.

export const SENDER = '910077473';
export const MAILBOX = '910075918';
export const PRINTER = '987464291';
export const SCHEMA_DIR = resolve(import.meta.dirname, '../../../schemas/dpi-json');
export const DIGITAL_PROCESS = 'urn:no:difi:profile:digitalpost:info:ver1.0';
/** The conformance clock: 2019-03-25T12:38:23+01:00. */
export const CLOCK = fixedClock('2019-03-25T11:38:23Z');

export interface DpiWorld {
  maskinporten: FakeMaskinporten;
  corner2: FakeCorner2;
  keys: Map<string, KeystoreEntry>;
  transport(overrides?: TransportOverrides): Promise<DpiTransport>;
  close(): Promise<void>;
}

export interface TransportOverrides {
  config?: Record<string, unknown>;
  clock?: Clock;
  options?: Partial<DpiTransportOptions>;
}

export async function startDpiWorld(clock: Clock = CLOCK): Promise<DpiWorld> {
  const keys = new Map<string, KeystoreEntry>();
  for (const orgnr of [SENDER, MAILBOX, PRINTER]) keys.set(orgnr, await cucumberEntry(orgnr));
  const own = keys.get(SENDER) as KeystoreEntry;
  const maskinporten = await startFakeMaskinporten({ clock, organisations: [{ orgnr: SENDER, certificatePem: own.certificate.toString() }] });
  const dirs: string[] = [];
  const temp = async (name: string): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), `efm-dpi-${name}-`));
    dirs.push(dir);
    return dir;
  };
  const corner2 = await startFakeCorner2({
    providers: [MAILBOX, PRINTER].map((orgnr) => ({ orgnr, key: keys.get(orgnr) as KeystoreEntry })),
    printProvider: PRINTER,
    schemaDir: SCHEMA_DIR,
    workDir: await temp('corner2'),
    tokens: maskinporten,
    clock,
  });
  return {
    maskinporten,
    corner2,
    keys,
    async transport(overrides = {}) {
      const config = testConfig({
        'efm.org.number': SENDER,
        'efm.dpi.uri': corner2.url,
        'efm.dpi.krr-print-url': corner2.printLookupUrl,
        'efm.dpi.mpc-id': 'KANAL',
        'efm.dpi.certificate.mode': 'SELF_SIGNED',
        ...overrides.config,
      }).dpi;
      const transportClock = overrides.clock ?? clock;
      const tokens = createDpiTokens({
        tokenUrl: maskinporten.tokenUrl, audience: maskinporten.audience, clientId: `MOVE_IP_${SENDER}`, scopes: [...config.oidc.scopes],
        signingKey: own.privateKey, certificateChainPem: own.certificate.toString(), clock: transportClock,
      });
      return createDpiTransport({
        config, signer: own, tokens, clock: transportClock, schemaDir: SCHEMA_DIR, workDir: await temp('transport'), ...overrides.options,
      });
    },
    async close() {
      await Promise.all([maskinporten.close(), corner2.close()]);
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

export interface DocumentSpec {
  filename: string;
  mimetype: string;
  title?: string;
  content: Buffer | (() => Readable);
  primaryDocument?: boolean;
}

export interface LetterSpec {
  type?: 'digital' | 'print';
  business?: Record<string, unknown>;
  documents?: DocumentSpec[];
  /** The SBD receiver; null for a print letter without one. */
  receiver?: string | null;
  senderValue?: string;
  record?: ServiceRecord;
  messageId?: string;
}

/** The digital message of nextmove_send_dpi_digital_json.feature. */
export function featureDigital(): Record<string, unknown> {
  return {
    sikkerhetsnivaa: 3, hoveddokument: 'arkivmelding.xml', avsenderId: 'avsender910077473', fakturaReferanse: 'faktura910077473',
    tittel: 'Min supertittel', spraak: 'NO', digitalPostInfo: { virkningsdato: '2019-05-12', aapningskvittering: 'false' },
    varsler: { epostTekst: 'Varseltekst', smsTekst: 'Varseltekst' }, metadataFiler: { 'arkivmelding.xml': 'test.txt' },
  };
}

/** The print message of the first scenario of nextmove_send_dpi_utskrift_json.feature. */
export function featurePrint(): Record<string, unknown> {
  return {
    hoveddokument: 'arkivmelding.xml', avsenderId: 'avsender910077473', fakturaReferanse: 'faktura910077473',
    mottaker: { navn: 'Ola Nordmann', adresselinje1: 'Fjellveien 1', adresselinje2: 'Langt oppi lia', adresselinje3: 'der trollene bor', postnummer: '3400', poststed: 'FJELLET', land: 'Norway' },
    utskriftsfarge: 'SORT_HVIT', posttype: 'B_OEKONOMI',
    retur: {
      mottaker: { navn: 'Dr. Sprøyte Gal', adresselinje1: 'Sadistveien 1', adresselinje2: 'argh', adresselinje3: 'uff', adresselinje4: 'off', postnummer: '0195', poststed: 'Oslo', land: 'Norge' },
      returhaandtering: 'DIREKTE_RETUR',
    },
  };
}

export const FEATURE_DOCUMENTS: DocumentSpec[] = [
  { filename: 'arkivmelding.xml', mimetype: 'application/xml', title: 'Arkivmelding', content: Buffer.from('<arkivmelding/>'), primaryDocument: true },
  { filename: 'test.txt', mimetype: 'text/plain', title: 'Test', content: Buffer.from('Testing 1 2 3') },
];

/** The mailbox record of 09118532322-info.json, pointing at the world's mailbox provider. */
export function mailboxRecord(world: DpiWorld, extra: Partial<ServiceRecord> = {}): ServiceRecord {
  return {
    ...record('DPI', DIGITAL_PROCESS, ['urn:no:difi:digitalpost:xsd:digital::digital', 'urn:no:difi:digitalpost:xsd:fysisk::print'], '09118532322'),
    pemCertificate: world.keys.get(MAILBOX)?.certificate.toString() ?? null,
    orgnrPostkasse: MAILBOX,
    postkasseAdresse: 'dummy',
    ...extra,
  };
}

export function letter(world: DpiWorld, spec: LetterSpec = {}): OutgoingMessage {
  const type = spec.type ?? 'digital';
  const messageId = spec.messageId ?? randomUUID();
  const conversationId = randomUUID();
  const documents = spec.documents ?? FEATURE_DOCUMENTS;
  const receiver = spec.receiver === undefined ? '09118532322' : spec.receiver;
  const created = new Date('2019-03-25T10:35:00Z');
  const files: FileRecord[] = documents.map((d, i) => ({
    identifier: randomUUID(), messageId, direction: 'OUTGOING', dokumentnummer: i + 1, filename: d.filename, mimetype: d.mimetype,
    size: Buffer.isBuffer(d.content) ? d.content.length : 0, primaryDocument: d.primaryDocument ?? false, createdAt: created,
    ...(d.title === undefined ? {} : { title: d.title }),
  }));
  const standard = type === 'digital' ? 'urn:no:difi:digitalpost:xsd:digital::digital' : 'urn:no:difi:digitalpost:xsd:fysisk::print';
  const sbd: StandardBusinessDocument = {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: spec.senderValue ?? `0192:${SENDER}` } }],
      ...(receiver === null ? {} : { receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: receiver } }] }),
      documentIdentification: { standard, typeVersion: '2.0', instanceIdentifier: messageId, type, creationDateAndTime: '2019-03-25T11:35:00+01:00' },
      businessScope: {
        scope: [{ type: 'ConversationId', instanceIdentifier: conversationId, identifier: DIGITAL_PROCESS, scopeInformation: [{ expectedResponseDateTime: '2019-05-10T00:31:52+01:00' }] }],
      },
    },
    [type]: spec.business ?? (type === 'digital' ? featureDigital() : featurePrint()),
  };
  // The Service Registry record of 09118532322-info.json lists both document types.
  const messageRecord = spec.record ?? (receiver === null ? undefined : mailboxRecord(world));
  return {
    message: {
      messageId, conversationId, direction: 'OUTGOING', serviceIdentifier: 'DPI', processIdentifier: DIGITAL_PROCESS,
      documentType: standard, senderIdentifier: SENDER, ...(receiver === null ? {} : { receiverIdentifier: receiver }),
      sbd, state: 'QUEUED', createdAt: created, lastUpdated: created,
    },
    files,
    open(file) {
      const content = documents[file.dokumentnummer - 1]?.content;
      if (content === undefined) throw new Error(`no document ${file.filename}`);
      return Buffer.isBuffer(content) ? Readable.from([content]) : content();
    },
    ...(messageRecord ? { record: messageRecord } : {}),
  };
}

/** The entries of a ZIP file, name → bytes, in container order. */
export async function zipEntries(path: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(path, { lazyEntries: false });
  const entries = new Map<string, Buffer>();
  try {
    for await (const entry of zip.eachEntry()) {
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      entries.set(entry.fileName, Buffer.concat(chunks));
    }
  } finally {
    zip.close();
  }
  return entries;
}

export { sendContext } from '../support.js';
