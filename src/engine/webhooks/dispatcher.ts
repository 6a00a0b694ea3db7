import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { loadUndici } from '../../http/index.js';
import type { Clock } from '../../clock/index.js';
import { formatOslo, matchesSubscription } from '../../domain/index.js';
import { randomId } from '../../ids/index.js';
import type { Store, Subscription, WebhookDelivery } from '../../store/index.js';
import { pushJson, type PushResult } from './push.js';
import { nextAttemptAt, ScheduleClock, type RetryPolicy } from '../schedule/index.js';
import { DEFAULT_RETRY_POLICY } from './retry-policy.js';
import { webhookSignatureHeaders } from './signature.js';

// Pushes recorded webhook events (api notes §2.10) from the Store's durable outbox: each pending event
// is fanned out to the subscriptions that match it, one delivery each, and every due delivery is
// POSTed until it gets a 2xx or runs out of attempts (retry-policy.ts). Nothing lives only in memory,
// so a restart resumes where the last run stopped.
//
// What is guaranteed:
// - At least once: a crash between the receiver's 2xx and the store update repeats the push, with the
//   same `webhook-id`, which receivers can de-duplicate on. Daemons that share one database may also
//   both push a delivery that is due, for the same reason.
// - Per subscription, never two pushes in flight, and the due deliveries of one round go out in event
//   order. A delivery waiting for its retry does not hold back later events (the reference pushes every
//   event on its own, and Standard Webhooks leaves ordering to the receiver), so after a failure a
//   receiver can see a later event first; `createdTs` orders them.
// - Subscriptions are served side by side, so a slow endpoint only slows its own deliveries, though a
//   round ends when its slowest subscription is done.

/** The part of the Store the dispatcher drives. */
export type WebhookOutbox = Pick<Store,
  | 'allSubscriptions' | 'pendingWebhookEvents' | 'fanOutWebhookEvent' | 'dueWebhookDeliveries'
  | 'nextWebhookDeliveryAt' | 'completeWebhookDelivery' | 'failWebhookDelivery'>;

export interface WebhookDispatcherOptions extends Partial<RetryPolicy> {
  store: WebhookOutbox;
  clock: Clock;
  log: Logger;
  /** The HTTP client; when absent the dispatcher keeps its own, with `connectTimeoutMs`. */
  http?: Dispatcher;
  connectTimeoutMs?: number;
  /** Wait for the response headers, and for each chunk of the body. */
  readTimeoutMs?: number;
  /** Events fanned out, and deliveries fetched, per round. */
  batchSize?: number;
  /** Longest sleep between looks at the outbox, so work recorded by another process is found. */
  idleRecheckMs?: number;
}

const DEFAULTS = {
  // The reference's webhooks.connectTimeout and webhooks.readTimeout (api notes §6).
  connectTimeoutMs: 10_000,
  readTimeoutMs: 10_000,
  batchSize: 100,
  idleRecheckMs: 60_000,
  /** Pause before the next round after the store failed, so a broken database is not hammered. */
  errorPauseMs: 5_000,
};

type Endpoint = Pick<Subscription, 'pushEndpoint' | 'secret'>;

export class WebhookDispatcher {
  private readonly store: WebhookOutbox;
  private readonly clock: Clock;
  private readonly schedule: ScheduleClock;
  private readonly log: Logger;
  /** The given client, or our own agent, made on the first push (undici loads lazily). */
  private http: Promise<Dispatcher> | undefined;
  private readonly ownsHttp: boolean;
  private readonly connectTimeoutMs: number;
  private policy: RetryPolicy;
  private readonly readTimeoutMs: number;
  private readonly batchSize: number;
  private readonly idleRecheckMs: number;

  private started = false;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private wakeQueued = false;
  private lastRunFailed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly pings = new Set<Promise<PushResult>>();

  constructor(options: WebhookDispatcherOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.schedule = new ScheduleClock(options.clock);
    this.log = options.log;
    this.ownsHttp = options.http === undefined;
    this.http = options.http ? Promise.resolve(options.http) : undefined;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    this.policy = {
      maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      initialBackoffMs: options.initialBackoffMs ?? DEFAULT_RETRY_POLICY.initialBackoffMs,
      backoffMultiplier: options.backoffMultiplier ?? DEFAULT_RETRY_POLICY.backoffMultiplier,
      maxBackoffMs: options.maxBackoffMs ?? DEFAULT_RETRY_POLICY.maxBackoffMs,
    };
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULTS.readTimeoutMs;
    this.batchSize = options.batchSize ?? DEFAULTS.batchSize;
    this.idleRecheckMs = options.idleRecheckMs ?? DEFAULTS.idleRecheckMs;
  }

  /** Applies new retry settings (e.g. pushed centrally) to every later attempt. */
  setRetryPolicy(policy: Partial<RetryPolicy>): void {
    this.policy = { ...this.policy, ...policy };
  }

  /** Begins dispatching, first whatever a previous run left in the outbox. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.kick();
  }

  /** Call after recording an event. Many wakes in one tick make one round. */
  wake(): void {
    if (!this.started || this.stopped || this.wakeQueued) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      this.kick();
    });
  }

  /** Runs rounds until nothing is pending or due now (retries waiting for later stay). For tests and jobs. */
  async drain(): Promise<void> {
    // Checked and started in one synchronous step, so two drains never run two loops at once.
    while (this.running) await this.running.catch(() => undefined);
    if (this.stopped) return;
    await this.run();
  }

  /** Starts no new push and resolves when the pushes in flight have been answered and recorded. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  /**
   * Best-effort ping of an endpoint being subscribed: `{"createdTs":…,"event":"ping"}`, signed when
   * there is a secret. As in the reference a failure is only logged (api notes §2.10); the result says
   * whether a 2xx came back.
   */
  async ping(subscription: Endpoint): Promise<boolean> {
    if (this.stopped) return false;
    const body = JSON.stringify({ createdTs: formatOslo(this.clock.now()), event: 'ping' });
    const push = this.push(subscription, randomId(), body);
    this.pings.add(push);
    const result = await push.finally(() => this.pings.delete(push));
    if (!result.ok) this.log.warn({ endpoint: endpointForLog(subscription.pushEndpoint), error: result.error }, 'webhook ping failed');
    return result.ok;
  }

  private async shutDown(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.settled();
    await Promise.allSettled(this.pings);
    if (this.ownsHttp && this.http) await (await this.http).close();
  }

  private async settled(): Promise<void> {
    // A failed background run was logged where it was started.
    while (this.running) await this.running.catch(() => undefined);
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.run().catch((err: unknown) => this.log.error({ err }, 'webhook dispatch failed'));
  }

  private run(): Promise<void> {
    this.clearTimer();
    const run = this.loop()
      .then(() => { this.lastRunFailed = false; }, (err: unknown) => { this.lastRunFailed = true; throw err; })
      .finally(() => {
        this.running = undefined;
        this.scheduleNext();
      });
    this.running = run;
    return run;
  }

  private async loop(): Promise<void> {
    do {
      this.rerun = false;
      let busy = true;
      while (busy && !this.stopped) busy = await this.round();
    } while (this.rerun && !this.stopped);
  }

  /** One pass over the outbox; false when there was nothing to do. */
  private async round(): Promise<boolean> {
    const fannedOut = await this.fanOut(await this.store.allSubscriptions());
    const due = await this.store.dueWebhookDeliveries(this.schedule.now(), this.batchSize);
    if (due.length === 0) return fannedOut > 0;
    // Read after the deliveries, so each one's subscription is there unless it was deleted since.
    const subscriptions = new Map((await this.store.allSubscriptions()).map((s) => [s.id, s]));
    const lanes = [...groupBySubscription(due)].map(([id, deliveries]) => this.deliverLane(subscriptions.get(id), deliveries));
    const failure = (await Promise.allSettled(lanes)).find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    return true;
  }

  private async fanOut(subscriptions: Subscription[]): Promise<number> {
    const events = await this.store.pendingWebhookEvents(this.batchSize);
    for (const event of events) {
      const deliveries = subscriptions
        .filter((subscription) => this.matches(subscription, event.payload))
        .map((subscription) => ({ subscriptionId: subscription.id, webhookId: randomId() }));
      await this.store.fanOutWebhookEvent(event.id, deliveries, this.clock.now());
      this.log.debug({ eventId: event.id, deliveries: deliveries.length }, 'webhook event fanned out');
    }
    return events.length;
  }

  private matches(subscription: Subscription, payload: Record<string, unknown>): boolean {
    try {
      return matchesSubscription(subscription, payload);
    } catch (err) {
      this.log.warn({ subscriptionId: subscription.id, err }, 'webhook subscription has a broken filter; event not sent to it');
      return false;
    }
  }

  private async deliverLane(subscription: Subscription | undefined, deliveries: WebhookDelivery[]): Promise<void> {
    for (const delivery of deliveries) {
      if (this.stopped) return;
      if (subscription === undefined) {
        await this.store.completeWebhookDelivery(delivery.id);
        this.log.debug({ subscriptionId: delivery.subscriptionId, webhookId: delivery.webhookId }, 'webhook subscription gone; delivery dropped');
        continue;
      }
      await this.deliver(subscription, delivery);
    }
  }

  private async deliver(subscription: Subscription, delivery: WebhookDelivery): Promise<void> {
    const result = await this.push(subscription, delivery.webhookId, JSON.stringify(delivery.payload));
    const attempt = delivery.attempts + 1;
    const fields = { subscriptionId: subscription.id, webhookId: delivery.webhookId, endpoint: endpointForLog(subscription.pushEndpoint), attempt };
    if (result.ok) {
      await this.store.completeWebhookDelivery(delivery.id);
      this.log.debug({ ...fields, statusCode: result.statusCode }, 'webhook delivered');
      return;
    }
    const retryAt = nextAttemptAt(attempt, this.policy, this.schedule.now());
    await this.store.failWebhookDelivery(delivery.id, result.error, retryAt);
    if (retryAt) this.log.info({ ...fields, error: result.error, retryAt }, 'webhook push failed; will retry');
    else this.log.warn({ ...fields, error: result.error }, 'webhook push failed; delivery dropped');
  }

  private push(endpoint: Endpoint, webhookId: string, body: string): Promise<PushResult> {
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const headers = endpoint.secret ? webhookSignatureHeaders({ secret: endpoint.secret, webhookId, timestamp, body }) : undefined;
    return this.client().then((http) => pushJson({ http, url: endpoint.pushEndpoint, body, headers, readTimeoutMs: this.readTimeoutMs }));
  }

  private client(): Promise<Dispatcher> {
    this.http ??= loadUndici().then(({ Agent }) => new Agent({ connect: { timeout: this.connectTimeoutMs } }));
    return this.http;
  }

  private scheduleNext(): void {
    if (!this.started || this.stopped) return;
    const pauseMs = this.lastRunFailed ? DEFAULTS.errorPauseMs : 0;
    this.store.nextWebhookDeliveryAt().then(
      (next) => this.setTimer(Math.max(pauseMs, next === undefined ? this.idleRecheckMs : next.getTime() - this.schedule.now().getTime())),
      (err: unknown) => {
        this.log.error({ err }, 'webhook schedule lookup failed');
        this.setTimer(DEFAULTS.errorPauseMs);
      },
    );
  }

  // A real timer, while due-ness is decided by the ScheduleClock: with a fixed Clock the wait still ends.
  private setTimer(delayMs: number): void {
    if (!this.started || this.stopped || this.running) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, Math.min(Math.max(0, delayMs), this.idleRecheckMs));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Deliveries per subscription, each list in event order. */
function groupBySubscription(deliveries: WebhookDelivery[]): Map<number, WebhookDelivery[]> {
  const lanes = new Map<number, WebhookDelivery[]>();
  for (const delivery of deliveries) {
    const lane = lanes.get(delivery.subscriptionId);
    if (lane) lane.push(delivery);
    else lanes.set(delivery.subscriptionId, [delivery]);
  }
  for (const lane of lanes.values()) lane.sort((a, b) => a.eventId - b.eventId || a.id - b.id);
  return lanes;
}

/** Endpoints may carry credentials in user info or query; logs get origin and path only. */
function endpointForLog(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
