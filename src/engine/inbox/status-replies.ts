import type { Clock } from '../../clock/index.js';
import {
  createStatusSbd, expiryOf, processOf, STANDARDS, type ReceiptStatus, type ServiceIdentifier,
} from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import type { MessageRecord, Store } from '../../store/index.js';

// MOTTATT and LEVERT back to the sender of an incoming message, for the services that exchange them
// (difi.move.nextmove.status-services, default DPO and DPE; transports notes §2.2 step 7). They go on
// the outbox's status-message queue, which the outbox sends through the same service.

export interface StatusRepliesOptions {
  store: Pick<Store, 'queueStatusMessage'>;
  clock: Clock;
  statusServices: ReadonlySet<ServiceIdentifier>;
  /** The service's default TTL, which the status SBD gets (api notes §4.6). */
  ttlHours: (service: ServiceIdentifier) => number;
  /** Wakes the outbox. */
  onQueued: () => void;
  log: Logger;
}

export type RepliedMessage = Pick<MessageRecord, 'messageId' | 'conversationId' | 'serviceIdentifier' | 'senderIdentifier' | 'receiverIdentifier' | 'sbd'>;

export class StatusReplies {
  constructor(private readonly o: StatusRepliesOptions) {}

  async queue(message: RepliedMessage, status: Extract<ReceiptStatus, 'MOTTATT' | 'LEVERT'>): Promise<void> {
    const service = message.serviceIdentifier;
    if (!this.o.statusServices.has(service)) return;
    const now = this.o.clock.now();
    const sbd = createStatusSbd({ original: message.sbd, status, now, ttlHours: this.o.ttlHours(service) });
    if (!sbd) {
      this.o.log.warn({ messageId: message.messageId, status }, 'incoming message cannot be answered; no status sent back');
      return;
    }
    const queued = await this.o.store.queueStatusMessage({
      messageId: message.messageId, conversationId: message.conversationId, serviceIdentifier: service,
      processIdentifier: processOf(sbd) ?? '', documentType: STANDARDS.status,
      senderIdentifier: message.receiverIdentifier ?? '', receiverIdentifier: message.senderIdentifier,
      sbd, expiry: expiryOf(sbd), status,
    }, now);
    if (queued) this.o.onQueued();
  }
}
