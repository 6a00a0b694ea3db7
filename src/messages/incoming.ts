import type { Readable } from 'node:stream';
import type { Clock } from '../clock/index.js';
import { MessageNotFoundError, ValidationError } from '../domain/errors.js';
import { isReceiptType } from '../domain/catalogue.js';
import { typeOf } from '../domain/sbd-access.js';
import type { StandardBusinessDocument } from '../domain/sbd.js';
import type { Logger } from '../logging/index.js';
import type { MessageFilter, MessageRecord, Page, PageRequest, Store } from '../store/index.js';
import type { StatusRegistry } from './status-registry.js';

// The incoming half of the next-move API (api notes §2.7): peek locks the oldest message for the caller,
// pop streams its ASiC-E, delete finishes it. Several consumers can share one daemon by filtering on
// process or service.
export const ASIC_FILENAME = 'asic.zip';

export class MessageNotLockedError extends ValidationError {
  constructor(messageId: string) {
    super(`Message with messageId = ${messageId} was not locked`, { code: 'EFM_MESSAGE_NOT_LOCKED', exception: 'no.difi.meldingsutveksling.exceptions.MessageNotLockedException' });
  }
}

export interface IncomingOptions {
  store: Store;
  clock: Clock;
  statuses: StatusRegistry;
  lockTimeoutMs: number;
  log: Logger;
  /** After the case system deleted a message: the transport sends LEVERT back where the service does. */
  onDelivered: (message: MessageRecord) => Promise<void>;
}

export type IncomingFilter = MessageFilter & { process?: string };

export interface PoppedAsic {
  content: Readable;
  size: number;
}

export class IncomingMessages {
  constructor(private readonly o: IncomingOptions) {}

  list(filter: IncomingFilter, page: PageRequest): Promise<Page<MessageRecord>> {
    return this.o.store.listMessages('INCOMING', filter, page);
  }

  /** I2: locks and returns the oldest matching message; undefined when there is none (204). */
  async peek(filter: IncomingFilter): Promise<StandardBusinessDocument | undefined> {
    const now = this.o.clock.now();
    const m = await this.o.store.lockNextIncoming(filter, now, new Date(now.getTime() + this.o.lockTimeoutMs));
    return m?.sbd;
  }

  /** I3: the decrypted ASiC-E; undefined (204) for receipts and messages without one. */
  async pop(messageId: string): Promise<PoppedAsic | undefined> {
    const message = await this.locked(messageId);
    const type = typeOf(message.sbd);
    if (type !== undefined && isReceiptType(type)) return undefined;
    const asic = (await this.o.store.listFiles('INCOMING', messageId)).find((f) => f.filename === ASIC_FILENAME);
    if (!asic) return undefined;
    return { content: this.o.store.openFile(asic), size: asic.size };
  }

  /** I4: removes the message and its files, registers INNKOMMENDE_LEVERT, returns the SBD. */
  async remove(messageId: string): Promise<StandardBusinessDocument> {
    const message = await this.locked(messageId);
    await this.o.store.deleteMessage('INCOMING', messageId);
    await this.o.statuses.register(messageId, 'INCOMING', message.serviceIdentifier, 'INNKOMMENDE_LEVERT');
    this.o.log.info({ messageId, conversationId: message.conversationId, serviceIdentifier: message.serviceIdentifier, direction: 'INCOMING' }, 'incoming message delivered to the case system');
    await this.o.onDelivered(message);
    return message.sbd;
  }

  private async locked(messageId: string): Promise<MessageRecord> {
    const message = await this.o.store.findMessage('INCOMING', messageId);
    if (!message) throw new MessageNotFoundError(messageId);
    if (!message.lockedUntil) throw new MessageNotLockedError(messageId);
    return message;
  }
}
