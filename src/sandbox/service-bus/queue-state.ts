import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/index.js';

// The fake Service Bus's queues: messages in order of arrival, each visible until a peek-lock takes it
// for the lock duration; a delete with the right lock token completes it. A MessageId seen before on the
// same queue is dropped, as on an Azure queue with duplicate detection.

export interface QueuedMessage {
  messageId: string;
  sequenceNumber: number;
  body: Buffer;
  contentType: string;
  enqueuedAt: Date;
  deliveryCount: number;
  lock?: { token: string; until: Date };
}

export class QueueState {
  readonly #queues = new Map<string, QueuedMessage[]>();
  readonly #seenIds = new Map<string, Set<string>>();
  #sequence = 0;

  constructor(private readonly clock: Clock, private readonly lockDurationMs: number) {}

  messages(queue: string): readonly QueuedMessage[] {
    return this.#queues.get(queue) ?? [];
  }

  /** False when the MessageId was seen on this queue before, and the message was dropped. */
  enqueue(queue: string, message: { messageId?: string; body: Buffer; contentType: string }): boolean {
    const seen = this.#seenIds.get(queue) ?? new Set<string>();
    this.#seenIds.set(queue, seen);
    const messageId = message.messageId ?? randomUUID().replace(/-/g, '');
    if (seen.has(messageId)) return false;
    seen.add(messageId);
    const list = this.#queues.get(queue) ?? [];
    this.#queues.set(queue, list);
    list.push({ messageId, sequenceNumber: ++this.#sequence, body: message.body, contentType: message.contentType, enqueuedAt: this.clock.now(), deliveryCount: 0 });
    return true;
  }

  /** The first message not under a lock, now locked; undefined when there is none. */
  peekLock(queue: string): QueuedMessage | undefined {
    const now = this.clock.now().getTime();
    const message = this.messages(queue).find((m) => m.lock === undefined || m.lock.until.getTime() <= now);
    if (message === undefined) return undefined;
    message.deliveryCount++;
    message.lock = { token: randomUUID(), until: new Date(now + this.lockDurationMs) };
    return message;
  }

  /** Completes a locked message; false when no message holds that id and live lock. */
  complete(queue: string, messageId: string, lockToken: string): boolean {
    const list = this.#queues.get(queue) ?? [];
    const now = this.clock.now().getTime();
    const at = list.findIndex((m) => m.messageId === messageId && m.lock?.token === lockToken && m.lock.until.getTime() > now);
    if (at < 0) return false;
    list.splice(at, 1);
    return true;
  }
}
