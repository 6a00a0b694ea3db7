import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { InfoRecord, ServiceRecord } from '../../../src/addressing/index.js';
import { fixedClock, type Clock } from '../../../src/clock/index.js';
import { testConfig } from '../../../src/config/testing.js';
import type { StandardBusinessDocument } from '../../../src/domain/index.js';
import { createLogger } from '../../../src/logging/index.js';
import { startFakeCorrespondence, type FakeCorrespondence, type FakeCorrespondenceOptions } from '../../../src/sandbox/correspondence/index.js';
import type { FileRecord } from '../../../src/store/index.js';
import { createDpvTransport, type DpvTokens } from '../../../src/transports/dpv/index.js';
import type { OutgoingMessage, SendContext, Transport } from '../../../src/transports/index.js';
import { record } from '../../addressing/builders.js';

// A DPV world for tests: the sandbox's correspondence API on 127.0.0.1 and a transport over it, with the
// conformance harness's clock and names (nextmove_send_dpv.feature).

export const NOW = '2019-03-25T11:38:23Z';
export const SENDER = '910077473';
export const RECEIVER = '910075946';
export const PERSON = '17912099997';
export const SENDER_NAME = 'TEST - C4';
export const RESOURCE = 'eformidling-dpv-administrasjon';
export const ARKIVMELDING_PROCESS = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';
export const INFO_PROCESS = 'urn:no:difi:profile:digitalpost:info:ver1.0';

/** A token source that counts what it hands out and what is taken back. */
export function countingTokens(): DpvTokens & { issued: number; invalidated: number } {
  const tokens = {
    issued: 0,
    invalidated: 0,
    token: () => {
      tokens.issued++;
      return Promise.resolve(`dpv-token-${tokens.issued - tokens.invalidated}`);
    },
    invalidate: () => { tokens.invalidated++; },
  };
  return tokens;
}

export interface DpvWorld {
  fake: FakeCorrespondence;
  tokens: ReturnType<typeof countingTokens>;
  transport(config?: Record<string, unknown>, clock?: Clock): Transport;
  close(): Promise<void>;
}

export async function startDpvWorld(fakeOptions: FakeCorrespondenceOptions = {}): Promise<DpvWorld> {
  const fake = await startFakeCorrespondence(fakeOptions);
  const tokens = countingTokens();
  const serviceRegistry = { info: (orgnr: string) => Promise.resolve(infoRecord(orgnr, orgnr === SENDER ? SENDER_NAME : `Org ${orgnr}`)) };
  return {
    fake,
    tokens,
    transport: (config = {}, clock = fixedClock(NOW)) => createDpvTransport({
      config: testConfig({ 'efm.dpv.correspondence-service-url': fake.url, ...config }).dpv,
      tokens,
      serviceRegistry,
      clock,
    }),
    close: () => fake.close(),
  };
}

function infoRecord(identifier: string, organizationName: string): InfoRecord {
  return {
    identifier, organizationName, entityType: { name: 'ORGL', acronym: null }, postadresse: null,
    organizationNumber: null, herId: null, parentHerId: null, parentOrganizationName: null,
  };
}

/** An arkivmelding.xml with one journalpost whose documents refer to `files`. */
export function arkivmeldingXml(o: { tittel?: string; offentligTittel?: string; files: string[] }): string {
  const documents = o.files.map((f, i) => `
        <dokumentbeskrivelse>
          <dokumentnummer>${i + 1}</dokumentnummer>
          <dokumentobjekt><versjonsnummer>1</versjonsnummer><referanseDokumentfil>${f}</referanseDokumentfil></dokumentobjekt>
        </dokumentbeskrivelse>`).join('');
  return `<?xml version="1.0" encoding="utf-8"?>
<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <mappe xsi:type="saksmappe">
    <systemID>43fbe161-7aac-4c9f-a888-d8167aab4144</systemID>
    <basisregistrering xsi:type="journalpost">
      <systemID>430a6710-a3d4-4863-8bd0-5eb1021bee45</systemID>${documents}
      ${o.tittel === undefined ? '' : `<tittel>${o.tittel}</tittel>`}
      ${o.offentligTittel === undefined ? '' : `<offentligTittel>${o.offentligTittel}</offentligTittel>`}
    </basisregistrering>
  </mappe>
</arkivmelding>`;
}

export interface FileSpec {
  filename: string;
  title?: string;
  content: Buffer | string;
  /** Recorded size when it differs from the content's (a broken store). */
  size?: number;
}

export interface DpvMessageSpec {
  type?: 'arkivmelding' | 'digital_dpv' | 'arkivmelding_kvittering';
  messageId?: string;
  receiver?: string;
  senderValue?: string;
  process?: string;
  business?: Record<string, unknown>;
  files?: FileSpec[];
  resource?: string | null;
}

/** The message of nextmove_send_dpv.feature unless the spec says otherwise. */
export function dpvMessage(spec: DpvMessageSpec = {}): OutgoingMessage {
  const type = spec.type ?? 'arkivmelding';
  const messageId = spec.messageId ?? 'abc8849c-e281-4809-8555-7cd54952b926';
  const conversationId = randomUUID();
  const receiver = spec.receiver ?? RECEIVER;
  const process = spec.process ?? (type === 'digital_dpv' ? INFO_PROCESS : ARKIVMELDING_PROCESS);
  const files = spec.files ?? [
    { filename: 'arkivmelding.xml', title: 'Arkivmelding', content: arkivmeldingXml({ tittel: 'Nye lysrør', offentligTittel: 'Nye lysrør', files: ['test.txt'] }) },
    { filename: 'test.txt', title: 'Test', content: 'Testing 1 2 3' },
  ];
  const now = new Date(NOW);
  const records: FileRecord[] = files.map((f, i) => ({
    identifier: randomUUID(), messageId, direction: 'OUTGOING', dokumentnummer: i + 1, title: f.title, filename: f.filename,
    mimetype: 'application/octet-stream', size: f.size ?? Buffer.byteLength(f.content), primaryDocument: false, createdAt: now,
  }));
  const serviceRecord: ServiceRecord = record('DPV', process, [`urn:no:difi:x::${type}`], receiver);
  if (spec.resource !== null) serviceRecord.service.resource = spec.resource ?? RESOURCE;
  const sbd: StandardBusinessDocument = {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: spec.senderValue ?? `0192:${SENDER}` } }],
      receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${receiver}` } }],
      documentIdentification: { standard: `urn:no:difi:x::${type}`, typeVersion: '2.0', instanceIdentifier: messageId, type, creationDateAndTime: '2019-03-25T11:35:00+01:00' },
      businessScope: { scope: [{ type: 'ConversationId', instanceIdentifier: conversationId, identifier: process, scopeInformation: [{ expectedResponseDateTime: '2019-05-10T00:31:52+01:00' }] }] },
    },
    [type]: spec.business ?? (type === 'digital_dpv' ? { tittel: 'foo', sammendrag: 'bar', innhold: 'foobar' } : { sikkerhetsnivaa: 3, hoveddokument: 'test.txt' }),
  };
  return {
    message: {
      messageId, conversationId, direction: 'OUTGOING', serviceIdentifier: 'DPV', processIdentifier: process,
      documentType: `urn:no:difi:x::${type}`, senderIdentifier: SENDER, receiverIdentifier: receiver, sbd,
      state: 'QUEUED', createdAt: now, lastUpdated: now,
    },
    files: records,
    open(file) {
      const content = files[file.dokumentnummer - 1]?.content;
      if (content === undefined) throw new Error(`no file ${file.filename}`);
      return Readable.from([Buffer.from(content)]);
    },
    record: serviceRecord,
  };
}

export function sendContext(): SendContext {
  return {
    signal: new AbortController().signal,
    log: createLogger({ level: 'silent' }),
    state: {},
    saveState: () => Promise.resolve(),
  };
}
