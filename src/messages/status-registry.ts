import type { Clock } from '../clock/index.js';
import type { Direction, ReceiptStatus, ServiceIdentifier } from '../domain/statuses.js';
import type { Logger } from '../logging/index.js';
import type { AddStatusOptions, StatusChange, Store } from '../store/index.js';

export interface StatusRegistryOptions {
  store: Pick<Store, 'addStatus'>;
  clock: Clock;
  log: Logger;
  /** Services whose statuses also go to the /api/statuses/peek queue (difi.move.feature.statusQueueIncludes). */
  statusQueueIncludes: ReadonlySet<ServiceIdentifier>;
  /** Called after a status (and its webhook event) has been stored: wakes the webhook dispatcher. */
  onRecorded: (change: StatusChange) => void;
}

export interface StatusDetails {
  description?: string;
  rawReceipt?: string;
}

// Every status change goes through here, so the rules hold in one place: at most once per conversation
// (the store enforces it atomically), the webhook event and the status-queue entry in the same
// transaction, then a wake-up of the dispatcher and a log line.
export class StatusRegistry {
  constructor(private readonly o: StatusRegistryOptions) {}

  async register(messageId: string, direction: Direction, service: ServiceIdentifier, status: ReceiptStatus, details: StatusDetails = {}): Promise<StatusChange | undefined> {
    const change = await this.o.store.addStatus(messageId, direction, { status, ...details, at: this.o.clock.now() }, this.optionsFor(service));
    if (change) this.announce(change);
    return change;
  }

  /** How a status of this service is stored: also on the status queue when the service is included. */
  optionsFor(service: ServiceIdentifier): AddStatusOptions {
    return { enqueue: this.o.statusQueueIncludes.has(service) };
  }

  /** Logs and wakes the dispatcher for a status the store recorded (also those stored with a new message). */
  announce(change: StatusChange): void {
    const { conversation, status } = change;
    this.o.log.info({
      messageId: conversation.messageId, conversationId: conversation.conversationId, direction: conversation.direction,
      serviceIdentifier: conversation.serviceIdentifier, status: status.status,
    }, 'status changed');
    this.o.onRecorded(change);
  }
}
