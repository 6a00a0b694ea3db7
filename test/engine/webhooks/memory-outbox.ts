import type { NewSubscription, Store, Subscription, WebhookDelivery, WebhookEvent } from '../../../src/store/index.js';

export type OutboxStore = Pick<Store,
  | 'addWebhookEvent' | 'pendingWebhookEvents' | 'fanOutWebhookEvent' | 'dueWebhookDeliveries'
  | 'nextWebhookDeliveryAt' | 'completeWebhookDelivery' | 'failWebhookDelivery' | 'allSubscriptions'>;

interface StoredEvent extends WebhookEvent {
  fannedOut: boolean;
}

/**
 * The webhook outbox and subscriptions in memory, with the semantics the Store port documents:
 * a completed or given-up delivery is deleted, a failed one gets attempts + 1 and its new time.
 * What happened to each delivery is kept for assertions.
 */
export class MemoryOutbox implements OutboxStore {
  subscriptions: Subscription[] = [];
  readonly events: StoredEvent[] = [];
  deliveries: WebhookDelivery[] = [];
  readonly completed: WebhookDelivery[] = [];
  readonly dropped: { delivery: WebhookDelivery; error: string }[] = [];
  readonly failures: { delivery: WebhookDelivery; error: string; retryAt: Date }[] = [];
  private nextId = 1;

  addSubscription(subscription: Partial<NewSubscription> & Pick<NewSubscription, 'pushEndpoint'>): Subscription {
    const stored = { id: this.nextId++, name: 'test', resource: 'all', event: 'all', ...subscription };
    this.subscriptions.push(stored);
    return stored;
  }

  removeSubscription(id: number): void {
    this.subscriptions = this.subscriptions.filter((s) => s.id !== id);
  }

  pendingEvents(): WebhookEvent[] {
    return this.events.filter((e) => !e.fannedOut);
  }

  async allSubscriptions(): Promise<Subscription[]> {
    return this.subscriptions.map((s) => ({ ...s }));
  }

  async addWebhookEvent(payload: Record<string, unknown>, at: Date): Promise<WebhookEvent> {
    const event = { id: this.nextId++, payload, createdAt: at, fannedOut: false };
    this.events.push(event);
    return { id: event.id, payload, createdAt: at };
  }

  async pendingWebhookEvents(limit: number): Promise<WebhookEvent[]> {
    return this.pendingEvents().slice(0, limit).map(({ id, payload, createdAt }) => ({ id, payload, createdAt }));
  }

  async fanOutWebhookEvent(eventId: number, deliveries: { subscriptionId: number; webhookId: string }[], at: Date): Promise<void> {
    const event = this.events.find((e) => e.id === eventId);
    if (!event || event.fannedOut) return;
    event.fannedOut = true;
    for (const d of deliveries) {
      if (!this.subscriptions.some((s) => s.id === d.subscriptionId)) continue;
      this.deliveries.push({ id: this.nextId++, eventId, ...d, payload: event.payload, attempts: 0, nextAttemptAt: at });
    }
  }

  async dueWebhookDeliveries(now: Date, limit: number): Promise<WebhookDelivery[]> {
    return this.deliveries
      .filter((d) => d.nextAttemptAt.getTime() <= now.getTime())
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id)
      .slice(0, limit)
      .map((d) => ({ ...d }));
  }

  async nextWebhookDeliveryAt(): Promise<Date | undefined> {
    const times = this.deliveries.map((d) => d.nextAttemptAt.getTime());
    return times.length === 0 ? undefined : new Date(Math.min(...times));
  }

  async completeWebhookDelivery(id: number): Promise<void> {
    const delivery = this.take(id);
    if (delivery) this.completed.push(delivery);
  }

  async failWebhookDelivery(id: number, error: string, retryAt: Date | undefined): Promise<void> {
    if (retryAt === undefined) {
      const delivery = this.take(id);
      if (delivery) this.dropped.push({ delivery, error });
      return;
    }
    const delivery = this.deliveries.find((d) => d.id === id);
    if (!delivery) return;
    delivery.attempts += 1;
    delivery.nextAttemptAt = retryAt;
    this.failures.push({ delivery: { ...delivery }, error, retryAt });
  }

  private take(id: number): WebhookDelivery | undefined {
    const delivery = this.deliveries.find((d) => d.id === id);
    this.deliveries = this.deliveries.filter((d) => d.id !== id);
    return delivery;
  }
}
