import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Direction, ServiceIdentifier, StandardBusinessDocument } from '../../src/domain/index.js';
import type { NewConversation, NewMessage, NewStatus, PageRequest } from '../../src/store/index.js';

// Small builders for store tests; every value is overridable, every default is valid.

export const T0 = new Date('2024-05-01T10:00:00.000Z');

/** T0 plus the given minutes. */
export const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

export const ARKIVMELDING_PROCESS = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';
export const ARKIVMELDING_STANDARD = 'urn:no:difi:arkivmelding:xsd::arkivmelding';

export function buildSbd(messageId: string, conversationId: string, process = ARKIVMELDING_PROCESS): StandardBusinessDocument {
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: '0192:910077473' } }],
      receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: '0192:910075918' } }],
      documentIdentification: {
        standard: ARKIVMELDING_STANDARD,
        typeVersion: '2.0',
        instanceIdentifier: messageId,
        type: 'arkivmelding',
        creationDateAndTime: '2024-05-01T12:00:00+02:00',
      },
      businessScope: { scope: [{ type: 'ConversationId', instanceIdentifier: conversationId, identifier: process }] },
      unknownHeaderMember: { kept: true },
    },
    arkivmelding: { hoveddokument: 'doc.pdf', sikkerhetsnivaa: 3 },
  };
}

export interface MessageOptions {
  direction?: Direction;
  serviceIdentifier?: ServiceIdentifier;
  processIdentifier?: string;
  senderIdentifier?: string;
  receiverIdentifier?: string;
  messageId?: string;
  conversationId?: string;
}

export function buildMessage(options: MessageOptions = {}): NewMessage {
  const messageId = options.messageId ?? randomUUID();
  const conversationId = options.conversationId ?? randomUUID();
  const direction = options.direction ?? 'OUTGOING';
  const processIdentifier = options.processIdentifier ?? ARKIVMELDING_PROCESS;
  return {
    messageId,
    conversationId,
    direction,
    serviceIdentifier: options.serviceIdentifier ?? 'DPO',
    processIdentifier,
    documentType: ARKIVMELDING_STANDARD,
    senderIdentifier: options.senderIdentifier ?? '910077473',
    receiverIdentifier: options.receiverIdentifier ?? '910075918',
    sbd: buildSbd(messageId, conversationId, processIdentifier),
    state: direction === 'INCOMING' ? 'RECEIVED' : 'DRAFT',
    expiry: at(24 * 60),
  };
}

export function conversationFor(message: NewMessage, overrides: Partial<NewConversation> = {}): NewConversation {
  return {
    conversationId: message.conversationId,
    messageId: message.messageId,
    sender: `0192:${message.senderIdentifier}`,
    senderIdentifier: message.senderIdentifier,
    receiver: message.receiverIdentifier && `0192:${message.receiverIdentifier}`,
    receiverIdentifier: message.receiverIdentifier,
    processIdentifier: message.processIdentifier,
    documentIdentifier: message.documentType,
    messageReference: message.conversationId,
    expiry: message.expiry,
    direction: message.direction,
    serviceIdentifier: message.serviceIdentifier,
    ...overrides,
  };
}

export const opprettet = (when: Date = T0): NewStatus => ({ status: 'OPPRETTET', at: when });

export const pageOf = (overrides: Partial<PageRequest> = {}): PageRequest => ({ page: 0, size: 10, sort: [], ...overrides });

export const bytesStream = (content: Buffer | string): Readable => Readable.from([Buffer.from(content)]);

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

/** A stream of `totalBytes` generated lazily in 64 KiB chunks; `produced()` tells how many were pulled. */
export function generatedStream(totalBytes: number): { stream: Readable; produced: () => number } {
  const chunkSize = 64 * 1024;
  let produced = 0;
  const stream = new Readable({
    read() {
      if (produced >= totalBytes) return void this.push(null);
      const size = Math.min(chunkSize, totalBytes - produced);
      produced += size;
      this.push(Buffer.alloc(size, produced % 251));
    },
  });
  return { stream, produced: () => produced };
}
