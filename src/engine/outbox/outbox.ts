import { setMaxListeners } from 'node:events';
import type { Clock } from '../../clock/index.js';
import type { ServiceIdentifier } from '../../domain/index.js';
import { randomId } from '../../ids/index.js';
import type { Logger } from '../../logging/index.js';
import type { StatusRegistry } from '../../messages/status-registry.js';
import type { OutboxEntry, Store } from '../../store/index.js';
import type { Transport } from '../../transports/index.js';
import { ScheduleClock } from '../schedule/index.js';
import { deliver, type DeliveryContext, type ResolveRecord } from './delivery.js';
import { DEFAULT_OUTBOX_SETTINGS, type OutboxSettings } from './settings.js';

// The durable outbox: queued messages and status messages live in the Store, and this worker leases
// due ones and hands each to its service's Transport, at most `concurrency` at a time. It is woken by
// the send itself (the API's onQueued), at start (whatever a previous run left), by its own timer when
// a retry comes due, and by a finished send while more is waiting; never by a job or a schedule, so it
// works with scheduling off (CONTRACT.md §5).
//
// Retry times are decided by a ScheduleClock: under the harness's fixed Clock a retry stored at
// "now + 20 s" still comes due 20 s later. A crash loses nothing: a claimed message stays in the
// Store, and when the crashed worker's lease runs out (or at once, when the restarted worker has the
// same `owner`) it is sent again, with the transport state it saved.

export type OutboxStore = Pick<Store,
  'claimOutbox' | 'renewOutboxLeases' | 'nextOutboxDueAt' | 'listFiles' | 'openFile' | 'saveOutboxState' | 'retryOutbox' | 'finishOutbox'>;

export interface OutboxOptions {
  store: OutboxStore;
  clock: Clock;
  statuses: Pick<StatusRegistry, 'optionsFor' | 'announce'>;
  /** At most one per service (checked by createEngine). */
  transports: ReadonlyMap<ServiceIdentifier, Transport>;
  resolveRecord: ResolveRecord;
  log: Logger;
  settings?: Partial<OutboxSettings>;
  /**
   * Who this worker is in the leases. A stable id per installation lets a restarted daemon take back
   * at once what it held when it died; daemons sharing one database must each have their own. Random
   * when absent (a crashed worker's messages then wait for its leases to run out).
   */
  owner?: string;
}

export interface StopOptions {
  /** Abort the sends still running after this long (they are retried later); wait for them when absent. */
  abortAfterMs?: number;
}

/** Shortest wait of the timer, so that a due time in the past can never make the worker spin. */
const MIN_TIMER_MS = 50;
/** Pause after the store failed, so that a broken database is not hammered. */
const ERROR_PAUSE_MS = 5_000;

export class Outbox {
  private readonly settings: OutboxSettings;
  private readonly services: ServiceIdentifier[];
  private readonly delivery: DeliveryContext;
  private readonly abort = new AbortController();
  private readonly inFlight = new Map<string, Promise<void>>();
  private started = false;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private released: Promise<void> | undefined;
  private filling: Promise<void> | undefined;
  private refill = false;
  private wakeQueued = false;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly o: OutboxOptions) {
    this.settings = { ...DEFAULT_OUTBOX_SETTINGS, ...o.settings };
    // Every send in flight listens on the one signal (its HTTP calls, its streams): more than Node's
    // default of 10 listeners is the concurrency at work, not a leak to warn about.
    setMaxListeners(0, this.abort.signal);
    this.services = [...o.transports.keys()];
    this.delivery = {
      store: o.store, clock: o.clock, schedule: new ScheduleClock(o.clock), statuses: o.statuses,
      resolveRecord: o.resolveRecord, owner: o.owner ?? randomId(), retry: this.settings.retry,
      statusRetry: this.settings.statusRetry, signal: this.abort.signal, log: o.log,
    };
  }

  /** Begins sending, first whatever a previous run left queued. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.heartbeat = setInterval(() => this.renewLeases(), Math.max(1, Math.floor(this.settings.leaseMs / 3)));
    this.heartbeat.unref();
    this.kick();
  }

  /** Call after queueing a message. Many wakes in one tick make one look at the queue. */
  wake(): void {
    if (!this.started || this.stopped || this.wakeQueued) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      this.kick();
    });
  }

  /** Sends until nothing is due now and nothing is in flight (retries waiting for later stay). For tests and jobs. */
  async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      this.kick();
      while (this.filling) await this.filling;
      if (this.inFlight.size === 0) return;
      await Promise.allSettled([...this.inFlight.values()]);
    }
  }

  /** Takes no new work and resolves when the sends in flight have ended and been recorded. */
  stop(options: StopOptions = {}): Promise<void> {
    this.stopping ??= this.shutDown(options);
    return this.stopping;
  }

  private async shutDown(options: StopOptions): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    const deadline = options.abortAfterMs === undefined ? undefined : setTimeout(() => this.abort.abort(), options.abortAfterMs);
    try {
      while (this.filling) await this.filling;
      await Promise.allSettled([...this.inFlight.values()]);
    } finally {
      clearTimeout(deadline);
      clearInterval(this.heartbeat);
    }
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.refill = true;
      return;
    }
    this.filling = this.fill()
      .catch((err: unknown) => {
        this.o.log.error({ err }, 'outbox could not read its queue');
        this.setTimer(ERROR_PAUSE_MS);
      })
      .finally(() => { this.filling = undefined; });
  }

  private async fill(): Promise<void> {
    this.released ??= this.releaseOwnLeases().catch((err: unknown) => {
      this.released = undefined;
      throw err;
    });
    await this.released;
    let idle: boolean;
    do {
      this.refill = false;
      idle = await this.claimWhileRoom();
    } while (this.refill && !this.stopped);
    // With every slot busy a finishing send looks again; the timer is for when nothing more is due.
    if (idle) await this.scheduleNext();
  }

  /** Claims and starts sends while there is room; true when the queue had nothing more due now. */
  private async claimWhileRoom(): Promise<boolean> {
    while (!this.stopped) {
      const room = this.settings.concurrency - this.inFlight.size;
      if (room <= 0) return false;
      const entries = await this.o.store.claimOutbox({
        owner: this.delivery.owner, now: this.delivery.schedule.now(), leaseMs: this.settings.leaseMs, limit: room, services: this.services,
      });
      for (const entry of entries) this.launch(entry);
      if (entries.length < room) return true;
    }
    return false;
  }

  /** What a previous life of this owner held is ours again at once, instead of when its lease runs out. */
  private async releaseOwnLeases(): Promise<void> {
    if (this.o.owner !== undefined) await this.o.store.renewOutboxLeases(this.o.owner, new Date(0));
  }

  private launch(entry: OutboxEntry): void {
    const key = `${entry.ref.kind}:${entry.ref.id}`;
    // Claims are limited to the services in `transports`, so the lookup always finds one.
    const transport = this.o.transports.get(entry.message.serviceIdentifier);
    const run = (transport ? deliver(this.delivery, entry, transport) : Promise.resolve())
      .catch((err: unknown) => this.o.log.error({ err, messageId: entry.ref.messageId }, 'outbox could not record the end of a send'))
      .finally(() => {
        this.inFlight.delete(key);
        this.kick();
      });
    this.inFlight.set(key, run);
  }

  private renewLeases(): void {
    if (this.inFlight.size === 0) return;
    const until = new Date(this.delivery.schedule.now().getTime() + this.settings.leaseMs);
    this.o.store.renewOutboxLeases(this.delivery.owner, until)
      .catch((err: unknown) => this.o.log.error({ err }, 'outbox could not renew its leases'));
  }

  private async scheduleNext(): Promise<void> {
    if (!this.started || this.stopped) return;
    const next = await this.o.store.nextOutboxDueAt(this.services);
    this.setTimer(next === undefined ? this.settings.idleRecheckMs : next.getTime() - this.delivery.schedule.now().getTime());
  }

  // A real timer, while due-ness is decided by the ScheduleClock: with a fixed Clock the wait still ends.
  private setTimer(delayMs: number): void {
    if (!this.started || this.stopped) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, Math.min(Math.max(MIN_TIMER_MS, delayMs), this.settings.idleRecheckMs));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
