import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { createServiceRegistryClient, type ServiceRecord } from '../../../src/addressing/index.js';
import { fixedClock, type Clock } from '../../../src/clock/index.js';
import { testConfig } from '../../../src/config/testing.js';
import { decryptCms, type KeystoreEntry } from '../../../src/crypto/index.js';
import type { StandardBusinessDocument } from '../../../src/domain/index.js';
import { randomIds } from '../../../src/ids/index.js';
import { startFakeMaskinporten, startFakeServiceRegistry, type FakeMaskinporten, type FakeServiceRegistry } from '../../../src/sandbox/index.js';
import { startFakeNhnAdapter, type FakeNhnAdapter, type FakeNhnAdapterOptions } from '../../../src/sandbox/nhn-adapter/index.js';
import type { FileRecord } from '../../../src/store/index.js';
import { ADAPTER_ORGNR, createDphTokens, createDphTransport, type DphTransport, type DphTransportOptions } from '../../../src/transports/dph/index.js';
import type { AcceptOutcome, IncomingMessage, IncomingSink, OutgoingMessage } from '../../../src/transports/index.js';
import { record } from '../../addressing/builders.js';
import { cucumberEntry } from '../../crypto/fixtures.js';

// A DPH world for tests: the sandbox's Maskinporten, Service Registry and nhn-adapter on 127.0.0.1, and
// DPH transports built over them. Two health units talk: HER id 8143548 of 910077473 (us) and HER id
// 8143541 of 910075918 (the peer). The adapter's key stands in for Digdir's (virksert/991825827).

export const OWN_ORG = '910077473';
export const PEER_ORG = '910075918';
export const OWN_HER_ID = '8143548';
export const PEER_HER_ID = '8143541';
const ADAPTER_KEY_ALIAS = '910229028';
export const HELSE_PROCESS = 'urn:no:difi:profile:helse:helse:ver1.0';
export const HELSE_RESPONSE_PROCESS = 'urn:no:difi:profile:helse:response:ver1.0';
export const DIALOGMELDING = 'urn:no:difi:helse:xsd:schema::dialogmelding';
export const KVITTERING = 'urn:no:difi:helse:xsd::dialogmelding_kvittering';
/** A day the cucumber certificates (2019–2119) are valid. */
export const CLOCK = fixedClock('2030-01-15T12:00:00Z');
export const FNR = '17912099997';

export interface DphWorld {
  maskinporten: FakeMaskinporten;
  registry: FakeServiceRegistry;
  adapter: FakeNhnAdapter;
  keys: { own: KeystoreEntry; peer: KeystoreEntry; adapter: KeystoreEntry };
  transport(overrides?: TransportOverrides): Promise<DphTransport>;
  tempDir(): Promise<string>;
  close(): Promise<void>;
}

export interface TransportOverrides {
  /** Whose transport: ours (default) or the peer's. */
  as?: 'own' | 'peer';
  config?: Record<string, unknown>;
  options?: Partial<DphTransportOptions>;
}

export async function startDphWorld(adapterOptions: Partial<FakeNhnAdapterOptions> = {}, clock: Clock = CLOCK): Promise<DphWorld> {
  const keys = { own: await cucumberEntry(OWN_ORG), peer: await cucumberEntry(PEER_ORG), adapter: await cucumberEntry(ADAPTER_KEY_ALIAS) };
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'efm-dph-'));
    dirs.push(dir);
    return dir;
  };
  const maskinporten = await startFakeMaskinporten({
    clock, organisations: [{ orgnr: OWN_ORG, certificatePem: keys.own.certificate.toString() }, { orgnr: PEER_ORG, certificatePem: keys.peer.certificate.toString() }],
  });
  const registry = await startFakeServiceRegistry({
    clock,
    organisations: [
      healthUnit(OWN_HER_ID, OWN_ORG, 'Legekontoret'),
      healthUnit(PEER_HER_ID, PEER_ORG, 'Fastlegen'),
      { identifier: ADAPTER_ORGNR, infoRecord: { identifier: ADAPTER_ORGNR, organizationName: 'DIGDIR', entityType: { name: 'ORGL' } }, serviceRecords: [], certificatePem: keys.adapter.certificate.toString() },
    ],
  });
  const adapter = await startFakeNhnAdapter({ key: keys.adapter, workDir: await tempDir(), tokens: maskinporten, receipts: 'manual', clock, ...adapterOptions });
  return {
    maskinporten, registry, adapter, keys, tempDir,
    async transport(overrides = {}) {
      const isPeer = overrides.as === 'peer';
      const key = isPeer ? keys.peer : keys.own;
      const config = testConfig({
        'efm.org.number': isPeer ? PEER_ORG : OWN_ORG,
        'efm.dph.uri': adapter.url,
        'efm.dph.her-ids': [isPeer ? PEER_HER_ID : OWN_HER_ID],
        ...overrides.config,
      }).dph;
      const serviceRegistry = createServiceRegistryClient({
        baseUrl: registry.url, sign: { enabled: true, jwkUrl: `${registry.url}/jwk` }, printLookup: true, betaFeatures: false, clock,
      });
      const tokens = createDphTokens({
        tokenUrl: maskinporten.tokenUrl, audience: maskinporten.audience, clientId: `MOVE_IP_${isPeer ? PEER_ORG : OWN_ORG}`, scopes: [...config.oidc.scopes],
        signingKey: key.privateKey, certificateChainPem: key.certificate.toString(), clock,
      });
      return createDphTransport({
        config, ownKey: key, tokens, serviceRegistry, ids: randomIds, clock, receiptsEnabled: true, workDir: await tempDir(), ...overrides.options,
      });
    },
    async close() {
      await Promise.all([maskinporten.close(), registry.close(), adapter.close()]);
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

function healthUnit(herId: string, orgnr: string, name: string): Parameters<typeof startFakeServiceRegistry>[0]['organisations'][number] {
  return {
    identifier: `her-id:${herId}`,
    infoRecord: {
      identifier: `her-id:${herId}`, parentHerId: null, parentOrganizationName: name, herId, organizationName: name,
      organizationNumber: orgnr, patient: null, entityType: { name: 'NorskHelsenett' },
    },
    serviceRecords: [],
  };
}

export interface DocumentSpec {
  filename: string;
  mimetype: string;
  content: Buffer;
}

export const DIALOGMELDING_XML = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Dialogmelding xmlns="http://www.kith.no/xmlstds/dialog/2013-01-23"/>');
export const VEDLEGG_PDF = Buffer.from('%PDF-1.4\n% a small test attachment\n%%EOF\n');

export const DOCUMENTS: DocumentSpec[] = [
  { filename: 'dialogmelding.xml', mimetype: 'application/xml', content: DIALOGMELDING_XML },
  { filename: 'vedlegg.pdf', mimetype: 'application/pdf', content: VEDLEGG_PDF },
];

export interface MessageSpec {
  type?: 'dialogmelding' | 'dialogmelding_kvittering';
  business?: Record<string, unknown>;
  documents?: DocumentSpec[];
  from?: string;
  /** The SBD receiver value (`her-id:N` or `fastlege-for:<fnr>`). */
  to?: string;
  record?: ServiceRecord;
  messageId?: string;
}

export function dialogmeldingBody(): Record<string, unknown> {
  return {
    hoveddokument: 'dialogmelding.xml',
    pasient: { fnr: FNR, fornavn: 'Raff', etternavn: 'Raffen' },
    metadataFiler: { 'vedlegg.pdf': { issueDate: '2030-01-14T10:00:00Z', description: 'Epikrise' } },
  };
}

export function sbdOf(spec: MessageSpec & { conversationId?: string } = {}): StandardBusinessDocument {
  const type = spec.type ?? 'dialogmelding';
  const isReceipt = type === 'dialogmelding_kvittering';
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'nhn-actorid', value: spec.from ?? `her-id:${OWN_HER_ID}` } }],
      receiver: [{ identifier: { authority: 'nhn-actorid', value: spec.to ?? `her-id:${PEER_HER_ID}` } }],
      documentIdentification: {
        standard: isReceipt ? KVITTERING : DIALOGMELDING, typeVersion: '2.0', instanceIdentifier: spec.messageId ?? randomUUID(), type,
        creationDateAndTime: '2030-01-15T13:00:00+01:00',
      },
      businessScope: {
        scope: [{
          type: 'ConversationId', instanceIdentifier: spec.conversationId ?? randomUUID(), identifier: isReceipt ? HELSE_RESPONSE_PROCESS : HELSE_PROCESS,
          scopeInformation: [{ expectedResponseDateTime: '2030-01-16T13:00:00+01:00' }],
        }],
      },
    },
    [type]: spec.business ?? (isReceipt ? { relatedToMessageId: randomUUID(), status: 'OK', messages: [] } : dialogmeldingBody()),
  };
}

export function message(spec: MessageSpec = {}): OutgoingMessage {
  const sbd = sbdOf(spec);
  const documents = spec.documents ?? (spec.type === 'dialogmelding_kvittering' ? [] : DOCUMENTS);
  const header = sbd.standardBusinessDocumentHeader;
  const messageId = header.documentIdentification.instanceIdentifier ?? '';
  const conversationId = header.businessScope.scope[0]?.instanceIdentifier ?? '';
  const created = CLOCK.now();
  const files: FileRecord[] = documents.map((d, i) => ({
    identifier: randomUUID(), messageId, direction: 'OUTGOING', dokumentnummer: i + 1, filename: d.filename, mimetype: d.mimetype,
    size: d.content.length, primaryDocument: d.filename === 'dialogmelding.xml', createdAt: created,
  }));
  return {
    message: {
      messageId, conversationId, direction: 'OUTGOING', serviceIdentifier: 'DPH', processIdentifier: header.businessScope.scope[0]?.identifier ?? '',
      documentType: header.documentIdentification.standard, senderIdentifier: spec.from ?? `her-id:${OWN_HER_ID}`,
      receiverIdentifier: spec.to ?? `her-id:${PEER_HER_ID}`, sbd, state: 'QUEUED', createdAt: created, lastUpdated: created,
    },
    files,
    open(file) {
      const content = documents[file.dokumentnummer - 1]?.content;
      if (content === undefined) throw new Error(`no document ${file.filename}`);
      return Readable.from([content]);
    },
    ...(spec.record ? { record: spec.record } : {}),
  };
}

/** The Service Registry record of a `fastlege-for` receiver: the GP's HER id and the patient. */
export function fastlegeRecord(herId: string | null): ServiceRecord {
  return {
    ...record('DPH', HELSE_PROCESS, [DIALOGMELDING], PEER_ORG),
    herId,
    patient: { fnr: FNR, firstName: 'Raff', middleName: null, lastName: 'Raffen' },
  };
}

export interface Received {
  sbd: StandardBusinessDocument;
  /** The dokumentpakke as it arrived (still CMS). */
  cms?: Buffer;
}

/** A sink that keeps what it is given and answers with `outcome` (or runs `during` first). */
export function recordingSink(options: { outcome?: AcceptOutcome; during?: (incoming: IncomingMessage) => void | Promise<void> } = {}): IncomingSink & { received: Received[]; receiptsApplied: StandardBusinessDocument[] } {
  const received: Received[] = [];
  const receiptsApplied: StandardBusinessDocument[] = [];
  return {
    received,
    receiptsApplied,
    async applyReceipt(sbd, service) {
      if (service !== 'DPH') throw new Error(`receipt applied as ${service}`);
      receiptsApplied.push(sbd);
    },
    async accept(incoming, service) {
      if (service !== 'DPH') throw new Error(`offered as ${service}`);
      await options.during?.(incoming);
      const chunks: Buffer[] = [];
      if (incoming.asic) for await (const chunk of incoming.asic.content) chunks.push(chunk as Buffer);
      received.push({ sbd: incoming.sbd, ...(incoming.asic ? { cms: Buffer.concat(chunks) } : {}) });
      return options.outcome ?? 'stored';
    },
  };
}

/** The plain ASiC-E of a dokumentpakke, opened with `key`. */
export async function decryptDokumentpakke(cms: Buffer, key: KeystoreEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of decryptCms(Readable.from([cms]), key)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The entries of a ZIP, name → bytes, in container order. */
export async function zipEntries(zipBytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(zipBytes, { lazyEntries: false });
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
