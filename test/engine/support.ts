import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Clock } from '../../src/clock/index.js';
import type { Direction, Scope, ServiceIdentifier, StandardBusinessDocument } from '../../src/domain/index.js';
import { createLogger, type Logger } from '../../src/logging/index.js';
import { StatusRegistry } from '../../src/messages/status-registry.js';
import { openSqliteStore, type BlobCipher, type StatusChange, type Store } from '../../src/store/index.js';

// What the engine tests share: a real SQLite store in a temp dir, a status registry over it, and
// builders for SBDs and queued messages.

export const NOW = '2019-03-25T11:38:23Z';
export const OWN = '910077473';
export const PEER = '910075918';
export const ARKIVMELDING_PROCESS = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';

export const silentLog = (): Logger => createLogger({ level: 'silent' });

export interface TestStore {
  store: Store;
  file: string;
  blobDir: string;
  /** Opens a second store on the same database and blob directory (a second daemon). */
  openAnother(): Promise<Store>;
  cleanup(): Promise<void>;
}

export async function openTestStore(blobCipher?: BlobCipher): Promise<TestStore> {
  const dir = await mkdtemp(join(tmpdir(), 'efm-engine-'));
  const file = join(dir, 'efm.sqlite');
  const blobDir = join(dir, 'blobs');
  const opened: Store[] = [await openSqliteStore({ file, blobDir, blobCipher })];
  return {
    store: opened[0] as Store,
    file,
    blobDir,
    openAnother: async () => {
      const store = await openSqliteStore({ file, blobDir, blobCipher });
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      for (const store of opened) await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function statusRegistry(store: Store, clock: Clock, recorded: StatusChange[] = []): StatusRegistry {
  return new StatusRegistry({ store, clock, log: silentLog(), statusQueueIncludes: new Set(), onRecorded: (change) => recorded.push(change) });
}

export interface SbdSpec {
  messageId?: string;
  conversationId?: string;
  type?: string;
  standard?: string;
  process?: string;
  sender?: string;
  receiver?: string;
  expectedResponseDateTime?: string;
  business?: Record<string, unknown>;
  extraScopes?: Scope[];
}

let counter = 0;
/** A UUID-shaped id that differs on every call. */
export function nextUuid(): string {
  counter++;
  return `ff88849c-e281-4809-8555-${counter.toString().padStart(12, '0')}`;
}

export function buildSbd(spec: SbdSpec = {}): StandardBusinessDocument {
  const type = spec.type ?? 'arkivmelding';
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${spec.sender ?? OWN}` } }],
      receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${spec.receiver ?? PEER}` } }],
      documentIdentification: {
        standard: spec.standard ?? `urn:no:difi:arkivmelding:xsd::${type}`,
        typeVersion: '2.0',
        instanceIdentifier: spec.messageId ?? nextUuid(),
        type,
        creationDateAndTime: '2019-03-25T11:35:00+01:00',
      },
      businessScope: {
        scope: [{
          type: 'ConversationId',
          instanceIdentifier: spec.conversationId ?? '37efbd4c-413d-4e2c-bbc5-257ef4a65a56',
          identifier: spec.process ?? ARKIVMELDING_PROCESS,
          scopeInformation: [{ expectedResponseDateTime: spec.expectedResponseDateTime ?? '2019-05-10T00:31:52+01:00' }],
        }, ...(spec.extraScopes ?? [])],
      },
    },
    [type]: spec.business ?? { hoveddokument: 'arkivmelding.xml', sikkerhetsnivaa: 3 },
  };
}

const headerOf = (sbd: StandardBusinessDocument) => sbd.standardBusinessDocumentHeader;

export interface QueueSpec extends SbdSpec {
  service?: ServiceIdentifier;
  files?: { filename: string; content: string }[];
}

/** Stores an outgoing message as a send leaves it: QUEUED, with OPPRETTET and its files. */
export async function queueOutgoing(store: Store, spec: QueueSpec = {}): Promise<{ messageId: string; sbd: StandardBusinessDocument }> {
  const sbd = buildSbd(spec);
  const header = headerOf(sbd);
  const messageId = header.documentIdentification.instanceIdentifier ?? '';
  const conversationId = header.businessScope.scope[0]?.instanceIdentifier ?? '';
  const serviceIdentifier = spec.service ?? 'DPO';
  const processIdentifier = header.businessScope.scope[0]?.identifier ?? '';
  const receiverIdentifier = spec.receiver ?? PEER;
  const senderIdentifier = spec.sender ?? OWN;
  await store.createMessage(
    {
      messageId, conversationId, direction: 'OUTGOING', serviceIdentifier, processIdentifier, documentType: header.documentIdentification.standard,
      senderIdentifier, receiverIdentifier, sbd, state: 'DRAFT',
    },
    {
      messageId, conversationId, direction: 'OUTGOING', serviceIdentifier, processIdentifier, documentIdentifier: header.documentIdentification.standard,
      sender: `0192:${senderIdentifier}`, senderIdentifier, receiver: `0192:${receiverIdentifier}`, receiverIdentifier, messageReference: conversationId,
    },
    [{ status: 'OPPRETTET', at: new Date(NOW) }],
  );
  for (const file of spec.files ?? [{ filename: 'arkivmelding.xml', content: '<arkivmelding/>' }]) {
    await store.addFile('OUTGOING', messageId, { filename: file.filename, mimetype: 'application/xml', primaryDocument: false }, Readable.from([Buffer.from(file.content)]), { maxBytes: 1_000_000 });
  }
  await store.updateMessage('OUTGOING', messageId, { state: 'QUEUED' }, new Date(NOW));
  return { messageId, sbd };
}

/** The status names of a message's conversation in one direction, in order. */
export async function statusNames(store: Store, messageId: string, direction: Direction = 'OUTGOING'): Promise<string[]> {
  const conversation = await store.findConversationByMessageId(messageId, direction);
  if (!conversation) return [];
  return ((await store.statusesOf([conversation.id])).get(conversation.id) ?? []).map((s) => s.status);
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}
