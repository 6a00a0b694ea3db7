import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import type { InfoRecord, ServiceRecord } from '../../../src/addressing/index.js';
import { fixedClock, type Clock } from '../../../src/clock/index.js';
import { testConfig } from '../../../src/config/testing.js';
import type { KeystoreEntry } from '../../../src/crypto/index.js';
import type { Scope, StandardBusinessDocument } from '../../../src/domain/index.js';
import { sequenceIds, type IdGenerator } from '../../../src/ids/index.js';
import { startFakeSvarUt, type FakeSvarUt, type FakeSvarUtOptions } from '../../../src/sandbox/svarut/index.js';
import type { FileRecord } from '../../../src/store/index.js';
import { createDpfTransport, type DpfTransport } from '../../../src/transports/dpf/index.js';
import type { OutgoingMessage } from '../../../src/transports/index.js';
import { record } from '../../addressing/builders.js';
import { cucumberEntry } from '../../crypto/fixtures.js';

// A DPF world for tests: the sandbox's SvarUt and SvarInn on 127.0.0.1 and transports over them, with
// the conformance harness's clock, organisations and credentials (nextmove_send_dpf.feature,
// nextmove_receive_dpf.feature). SvarUt's certificate is the one the registry gives 910075924's DPF record.

export const NOW = '2019-03-25T11:38:23Z';
export const SENDER = '910077473';
export const RECEIVER = '910075924';
export const OTHER_ORG = '910075918';
export const PROCESS = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';
export const USER = { username: 'foo', password: 'bar' };
const HERE = dirname(fileURLToPath(import.meta.url));

export interface DpfWorld {
  fake: FakeSvarUt;
  svarUtKey: KeystoreEntry;
  senderKey: KeystoreEntry;
  transport(options?: TransportOptions): DpfTransport;
  close(): Promise<void>;
}

export interface TransportOptions {
  config?: Record<string, unknown>;
  clock?: Clock;
  ids?: IdGenerator;
  /** Another transport's work folder, as a restarted daemon finds its own. */
  workDir?: string;
}

export async function startDpfWorld(fakeOptions: Partial<FakeSvarUtOptions> = {}): Promise<DpfWorld> {
  const svarUtKey = await cucumberEntry(RECEIVER);
  const senderKey = await cucumberEntry(SENDER);
  const fake = await startFakeSvarUt({
    svarUtKey,
    accounts: [{ orgnr: SENDER, ...USER }],
    certificates: { [SENDER]: senderKey.certificate.toString() },
    forsendelseTyper: ['forsendelsetype-1'],
    ...fakeOptions,
  });
  const dirs: string[] = [];
  const serviceRegistry = { info: (orgnr: string) => Promise.resolve(infoRecord(orgnr)) };
  return {
    fake,
    svarUtKey,
    senderKey,
    transport(options = {}) {
      const workDir = options.workDir ?? join(tmpdir(), `efm-dpf-${randomUUID()}`);
      dirs.push(workDir);
      const config = testConfig({
        'difi.move.feature.enableDPF': true,
        'difi.move.fiks.ut.username': USER.username,
        'difi.move.fiks.ut.password': USER.password,
        'difi.move.fiks.ut.endpointUrl': fake.url,
        'difi.move.fiks.inn.username': USER.username,
        'difi.move.fiks.inn.password': USER.password,
        'difi.move.fiks.inn.baseUrl': fake.svarInnUrl,
        ...options.config,
      });
      return createDpfTransport({
        config: { dpf: config.dpf, fiks: config.fiks },
        orgnr: SENDER,
        ownKey: senderKey,
        fiksKey: senderKey,
        ids: options.ids ?? sequenceIds([randomUUID()]),
        serviceRegistry,
        clock: options.clock ?? fixedClock(NOW),
        workDir,
      });
    },
    async close() {
      await fake.close();
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

export function infoRecord(identifier: string): InfoRecord {
  return {
    identifier, organizationName: 'TEST - C4', entityType: { name: 'ORGL', acronym: null }, postadresse: null,
    organizationNumber: null, herId: null, parentHerId: null, parentOrganizationName: null,
  };
}

export interface DocumentSpec {
  filename: string;
  mimetype: string;
  content: Buffer | (() => Readable);
  /** The size recorded for a streamed document. */
  size?: number;
}

export interface MessageSpec {
  messageId?: string;
  from?: string;
  senderIdentifier?: string;
  documents?: DocumentSpec[];
  businessMessage?: Record<string, unknown>;
  type?: string;
  scopes?: Scope[];
  certificatePem?: string | null;
}

/** The SBD of nextmove_send_dpf.feature, with the given ids. */
export function sbdOf(spec: { messageId: string; from: string; type: string; businessMessage: Record<string, unknown>; scopes: Scope[] }): StandardBusinessDocument {
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${spec.from}` } }],
      receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${RECEIVER}` } }],
      documentIdentification: { standard: `urn:no:difi:arkivmelding:xsd::${spec.type}`, typeVersion: '2.0', instanceIdentifier: spec.messageId, type: spec.type, creationDateAndTime: '2019-03-25T11:35:00+01:00' },
      businessScope: {
        scope: [
          { type: 'ConversationId', instanceIdentifier: randomUUID(), identifier: PROCESS, scopeInformation: [{ expectedResponseDateTime: '2099-05-10T00:31:52+01:00' }] },
          ...spec.scopes,
        ],
      },
    },
    [spec.type]: spec.businessMessage,
  };
}

export function outgoingMessage(world: DpfWorld, spec: MessageSpec = {}): OutgoingMessage {
  const messageId = spec.messageId ?? randomUUID();
  const from = spec.from ?? SENDER;
  const type = spec.type ?? 'arkivmelding';
  const documents = spec.documents ?? [
    { filename: 'arkivmelding.xml', mimetype: 'application/xml', content: Buffer.from(featureArkivmelding()) },
    { filename: 'test.txt', mimetype: 'text/plain', content: Buffer.from('Testing 1 2 3') },
  ];
  const now = new Date(NOW);
  const files: FileRecord[] = documents.map((d, i) => ({
    identifier: randomUUID(), messageId, direction: 'OUTGOING', dokumentnummer: i + 1, filename: d.filename, mimetype: d.mimetype,
    size: Buffer.isBuffer(d.content) ? d.content.length : d.size ?? 0, primaryDocument: false, createdAt: now,
  }));
  const serviceRecord: ServiceRecord = {
    ...record('DPF', PROCESS, ['urn:no:difi:arkivmelding:xsd::arkivmelding'], RECEIVER),
    pemCertificate: spec.certificatePem === undefined ? world.svarUtKey.certificate.toString() : spec.certificatePem,
  };
  const businessMessage = spec.businessMessage ?? { sikkerhetsnivaa: 3, dpf: { forsendelseType: 'forsendelsetype-1' }, hoveddokument: 'arkivmelding.xml' };
  return {
    message: {
      messageId, conversationId: randomUUID(), direction: 'OUTGOING', serviceIdentifier: 'DPF', processIdentifier: PROCESS,
      documentType: `urn:no:difi:arkivmelding:xsd::${type}`, senderIdentifier: spec.senderIdentifier ?? from, receiverIdentifier: RECEIVER,
      sbd: sbdOf({ messageId, from, type, businessMessage, scopes: spec.scopes ?? [] }),
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

export async function tempFolder(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'efm-dpf-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

// --- the conformance features, read from ../shared so the tests hold the daemon to their exact text

/** The doc strings of a feature file, in order, de-indented as Gherkin does. */
export function featureDocStrings(feature: string): string[] {
  const path = resolve(HERE, '../../../../shared/conformance/features', feature);
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: string[] = [];
  let indent = -1;
  let current: string[] = [];
  for (const line of lines) {
    const at = line.indexOf('"""');
    if (at >= 0 && line.trim() === '"""') {
      if (indent < 0) {
        indent = at;
        current = [];
      } else {
        out.push(current.join('\n'));
        indent = -1;
      }
    } else if (indent >= 0) {
      current.push(line.slice(Math.min(indent, line.length - line.trimStart().length)));
    }
  }
  return out;
}

export function featureArkivmelding(): string {
  return featureDocStrings('nextmove_send_dpf.feature')[3] ?? '';
}

// --- XML compared as the harness does (CONTRACT.md §9.2): white space and namespace declarations aside,
// with SvarUt's `<data>` blanked and the ns2/ns3 prefixes dropped.

const shapeParser = new XMLParser({
  preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false,
  trimValues: true, commentPropName: '#comment', ignoreDeclaration: true,
});

export function hideSoapData(xml: string): string {
  return xml.replace(/<data>[\s\S]*?<\/data>/g, '<data><!--encrypted content--></data>').replace(/:ns2|ns2:/g, '').replace(/:ns3|ns3:/g, '');
}

/** A comparable shape of an XML document: names, attributes (no xmlns), texts and comments, in order. */
export function xmlShape(xml: string): unknown {
  return shapeOf(shapeParser.parse(xml) as unknown);
}

function shapeOf(nodes: unknown): unknown {
  if (!Array.isArray(nodes)) return nodes;
  return nodes.map((node: unknown) => {
    const entry = node as Record<string, unknown>;
    if ('#text' in entry) return { text: String(entry['#text']) };
    if ('#comment' in entry) return { comment: shapeOf(entry['#comment']) };
    const name = Object.keys(entry).find((k) => k !== ':@') ?? '';
    const attributes = Object.fromEntries(Object.entries((entry[':@'] ?? {}) as Record<string, unknown>).filter(([k]) => !k.startsWith('@_xmlns')));
    return { name, attributes, children: shapeOf(entry[name]) };
  });
}

/** The root's namespace declarations, and each one's prefix. */
export function rootNamespaces(xml: string): Record<string, string> {
  const [root] = shapeParser.parse(xml) as Record<string, unknown>[];
  const attributes = (root?.[':@'] ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(attributes).filter(([k]) => k.startsWith('@_xmlns')));
}

export { sendContext, recordingSink, type Received } from '../support.js';
