import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { ServiceRecord } from '../../../src/addressing/index.js';
import { manualClock } from '../../../src/clock/index.js';
import { testConfig } from '../../../src/config/testing.js';
import { decryptCms, readAsic, type AsicReadResult, type KeystoreEntry } from '../../../src/crypto/index.js';
import type { StandardBusinessDocument } from '../../../src/domain/index.js';
import { createLogger } from '../../../src/logging/index.js';
import { startFakeServiceBus, type FakeServiceBus } from '../../../src/sandbox/service-bus/index.js';
import type { FileRecord } from '../../../src/store/index.js';
import { configuredSasKey, createDpeTransport } from '../../../src/transports/dpe/index.js';
import type { OutgoingMessage, Transport } from '../../../src/transports/index.js';
import { record } from '../../addressing/builders.js';
import { cucumberEntry } from '../../crypto/fixtures.js';

// A DPE world for tests: the sandbox's Service Bus on 127.0.0.1 with one SAS policy, and a transport per
// organisation over it, with the names of nextmove_send_dpe.feature.

export const SENDER = '910077473';
export const RECEIVER = '910075935';
export const KEY_NAME = 'MoveDPE-pilotPolicy';
export const SAS_KEY = 'sandbox-sas-key';
export const INNSYNSKRAV_PROCESS = 'urn:no:difi:profile:einnsyn-innsynskrav:ver1.0';
export const NOW = '2030-01-15T12:00:00Z';

export interface Party {
  orgnr: string;
  key: KeystoreEntry;
  transport: Transport;
}

export interface DpeWorld {
  bus: FakeServiceBus;
  clock: ReturnType<typeof manualClock>;
  party(orgnr: string, options?: { config?: Record<string, unknown>; sasKey?: string }): Promise<Party>;
  close(): Promise<void>;
}

export async function startDpeWorld(): Promise<DpeWorld> {
  const clock = manualClock(NOW);
  const bus = await startFakeServiceBus({ clock, policies: { [KEY_NAME]: SAS_KEY } });
  const dirs: string[] = [];
  return {
    bus,
    clock,
    async party(orgnr, options = {}) {
      const key = await cucumberEntry(orgnr);
      const workDir = await mkdtemp(join(tmpdir(), `efm-dpe-${orgnr}-`));
      dirs.push(workDir);
      const config = testConfig({
        'efm.org.number': orgnr,
        'difi.move.nextmove.serviceBus.baseUrl': bus.namespace,
        'difi.move.nextmove.serviceBus.useHttps': 'false',
        'difi.move.nextmove.serviceBus.sasKeyName': KEY_NAME,
        ...options.config,
      }).dpe;
      const transport = createDpeTransport({ config, orgnr, ownKey: key, sasKey: configuredSasKey(options.sasKey ?? SAS_KEY), clock, workDir });
      return { orgnr, key, transport };
    },
    async close() {
      await bus.close();
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

export interface DpeMessageSpec {
  type?: 'innsynskrav' | 'publisering' | 'status' | 'einnsyn_kvittering';
  messageId?: string;
  from?: string;
  to?: string;
  business?: Record<string, unknown>;
  files?: { filename: string; mimetype: string; content: Buffer | string }[];
  endpointUrl?: string | null;
  certificatePem?: string;
}

/** The message of nextmove_send_dpe.feature unless the spec says otherwise. */
export function dpeSbd(spec: DpeMessageSpec & { messageId: string }): StandardBusinessDocument {
  const type = spec.type ?? 'innsynskrav';
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { value: `0192:${spec.from ?? SENDER}`, authority: 'iso6523-actorid-upis' } }],
      receiver: [{ identifier: { value: `0192:${spec.to ?? RECEIVER}`, authority: 'iso6523-actorid-upis' } }],
      documentIdentification: {
        standard: `urn:no:difi:einnsyn:xsd:innsyn::${type}`, typeVersion: '2.0', instanceIdentifier: spec.messageId, type, creationDateAndTime: '2019-03-25T11:35:00+01:00',
      },
      businessScope: {
        scope: [{
          type: 'ConversationId', instanceIdentifier: '21efbd4c-413d-4e2c-bbc5-257ef4a65a91', identifier: INNSYNSKRAV_PROCESS,
          scopeInformation: [{ expectedResponseDateTime: '2099-05-10T00:31:52+01:00' }],
        }],
      },
    },
    [type]: spec.business ?? (type === 'status' ? { status: 'MOTTATT' } : { orgnr: '98765432', epost: 'doofenshmirtz@evil.inc' }),
  };
}

export function dpeMessage(receiverCertificate: string, spec: DpeMessageSpec = {}): OutgoingMessage {
  const messageId = spec.messageId ?? randomUUID();
  const type = spec.type ?? 'innsynskrav';
  const files = spec.files ?? (type === 'status' ? [] : [{ filename: 'test.txt', mimetype: 'text/plain', content: 'Testing 1 2 3' }]);
  const now = new Date(NOW);
  const records: FileRecord[] = files.map((f, i) => ({
    identifier: randomUUID(), messageId, direction: 'OUTGOING', dokumentnummer: i + 1, filename: f.filename, mimetype: f.mimetype,
    size: Buffer.byteLength(f.content), primaryDocument: false, createdAt: now,
  }));
  const to = spec.to ?? RECEIVER;
  const serviceRecord: ServiceRecord = { ...record('DPE', INNSYNSKRAV_PROCESS, [`urn:no:difi:einnsyn:xsd:innsyn::${type}`], to), pemCertificate: spec.certificatePem ?? receiverCertificate };
  serviceRecord.service.endpointUrl = spec.endpointUrl === undefined ? 'innsyn' : spec.endpointUrl;
  return {
    message: {
      messageId, conversationId: '21efbd4c-413d-4e2c-bbc5-257ef4a65a91', direction: 'OUTGOING', serviceIdentifier: 'DPE',
      processIdentifier: INNSYNSKRAV_PROCESS, documentType: `urn:no:difi:einnsyn:xsd:innsyn::${type}`,
      senderIdentifier: spec.from ?? SENDER, receiverIdentifier: to, sbd: dpeSbd({ ...spec, messageId }),
      state: 'QUEUED', createdAt: now, lastUpdated: now,
    },
    files: records,
    open(file) {
      const content = files[file.dokumentnummer - 1]?.content;
      if (content === undefined) throw new Error(`no file ${file.filename}`);
      return Readable.from([Buffer.from(content)]);
    },
    record: type === 'status' ? undefined : serviceRecord,
  };
}

/** The CMS inside a body's `asic`: base64 of the base64 text (CONTRACT.md §9.4). */
export function cmsOfBody(body: Buffer): Buffer {
  const json = JSON.parse(body.toString('utf8')) as { asic?: string };
  if (json.asic === undefined) throw new Error('the body has no asic');
  return Buffer.from(Buffer.from(json.asic, 'base64').toString('ascii'), 'base64');
}

export async function decrypt(cms: Buffer, key: KeystoreEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of decryptCms(Readable.from([cms]), key)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export const silentLog = () => createLogger({ level: 'silent' });

/** Entries of a zip held in memory, name and bytes, in order. */
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

/** Decrypts a CMS with `key` and reads the ASiC-E inside: the checks and each entry's bytes. */
export async function openEncryptedAsic(cms: Buffer, key: KeystoreEntry): Promise<{ result: AsicReadResult; entries: { name: string; data: Buffer }[] }> {
  const plain = await decrypt(cms, key);
  const dir = await mkdtemp(join(tmpdir(), 'efm-dpe-asic-'));
  try {
    await writeFile(join(dir, 'asic.zip'), plain);
    return { result: await readAsic(join(dir, 'asic.zip')), entries: await zipEntries(plain) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export { sendContext, recordingSink, type Received } from '../support.js';
