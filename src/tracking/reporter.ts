import type { Clock } from '../clock/index.js';
import { formatOslo } from '../domain/index.js';
import type { Logger } from '../logging/index.js';
import type { TrackingBuffer } from './buffer.js';
import type { TrackingEvent } from './event.js';
import type { BufferBatch, TrackingTransport } from './port.js';
import type { TrackingIdentity } from './wire-document.js';
import { toWireDocument } from './wire-document.js';

// Sends what record() buffered, one batch at a time, for as long as it runs. record() only appends to
// the buffer (a synchronous local write), so the message path never waits for the collector; the loop
// here does the network part and retries with back-off while the collector is away.

export interface TrackingHealth {
  /** DEGRADED says that tracking needs attention; the daemon still works, so never DOWN. */
  status: 'UP' | 'DEGRADED';
  details: Record<string, unknown>;
}

export interface TrackingReporter {
  /** Buffers the event durably and returns; never throws, never waits for the network. */
  record(event: TrackingEvent): void;
  start(): void;
  /** Stops sending (an unfinished batch stays buffered) and closes the buffer and the transport. */
  stop(): Promise<void>;
  health(): TrackingHealth;
}

export type TrackingBufferPort = Pick<TrackingBuffer, 'append' | 'read' | 'acknowledge' | 'stats' | 'close'>;

export interface TrackingReporterOptions {
  buffer: TrackingBufferPort;
  transport: TrackingTransport;
  clock: Clock;
  log: Logger;
  identity: TrackingIdentity;
  batchMaxEvents: number;
  batchMaxBytes?: number;
  batchDelayMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  bufferWarnBytes: number;
}

const DEFAULT_BATCH_MAX_BYTES = 4 * 1024 * 1024;

type Outcome = 'progress' | 'idle' | 'failed';

interface Failure {
  since: Date;
  attempts: number;
  error: string;
}

export class ActiveTrackingReporter implements TrackingReporter {
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private failure: Failure | undefined;
  private lastDeliveredAt: Date | undefined;
  private delivered = 0;
  private rejected = 0;
  private recordFailures = 0;
  private recordFailing = false;
  private aboveWarning = false;
  private droppedReported = 0;

  constructor(private readonly o: TrackingReporterOptions) {}

  record(event: TrackingEvent): void {
    try {
      this.o.buffer.append(JSON.stringify(toWireDocument(event, this.o.identity)));
      this.recordFailing = false;
    } catch (err) {
      this.recordFailures++;
      if (!this.recordFailing) this.o.log.error({ err: errorText(err) }, 'tracking event not recorded');
      this.recordFailing = true;
      return;
    }
    this.watchBuffer();
    this.wake?.();
  }

  start(): void {
    this.running ??= this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.running;
    await this.o.transport.close();
    await this.o.buffer.close();
  }

  health(): TrackingHealth {
    const s = this.o.buffer.stats();
    const degraded = [
      ...(this.failure ? ['collector unreachable'] : []),
      ...(s.pendingBytes >= this.o.bufferWarnBytes ? ['buffer above its warning size'] : []),
      ...(s.droppedEvents > 0 ? ['events dropped at the buffer size limit'] : []),
      ...(this.recordFailing ? ['events cannot be buffered'] : []),
    ];
    return {
      status: degraded.length > 0 ? 'DEGRADED' : 'UP',
      details: {
        destination: this.o.transport.destination,
        ...(degraded.length > 0 ? { degraded } : {}),
        pendingEvents: s.pendingEvents,
        pendingBytes: s.pendingBytes,
        bufferWarnBytes: this.o.bufferWarnBytes,
        deliveredEvents: this.delivered,
        rejectedEvents: this.rejected,
        droppedEvents: s.droppedEvents,
        unreadableLines: s.corruptLines,
        recordFailures: this.recordFailures,
        ...(this.lastDeliveredAt ? { lastDeliveredAt: formatOslo(this.lastDeliveredAt) } : {}),
        ...(this.failure ? { unreachableSince: formatOslo(this.failure.since), failedAttempts: this.failure.attempts, lastError: this.failure.error } : {}),
      },
    };
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const { pendingEvents } = this.o.buffer.stats();
      if (pendingEvents === 0) {
        await this.waitForRecord(signal);
        continue;
      }
      if (pendingEvents < this.o.batchMaxEvents && !this.failure) await pause(this.o.batchDelayMs, signal);
      if (signal.aborted) break;
      const outcome = await this.sendBatch(signal);
      if (outcome === 'failed' && !signal.aborted) await pause(this.backoffMs(), signal);
      if (outcome === 'idle') await this.waitForRecord(signal);
    }
  }

  private async sendBatch(signal: AbortSignal): Promise<Outcome> {
    try {
      const batch = await this.o.buffer.read(this.o.batchMaxEvents, this.o.batchMaxBytes ?? DEFAULT_BATCH_MAX_BYTES);
      if (batch.events.length === 0) {
        // Only lines acknowledged earlier or unreadable ones: pass them.
        if (batch.entries.length === 0) return 'idle';
        await this.o.buffer.acknowledge(batch, 'all');
        return 'progress';
      }
      return await this.deliver(batch, signal);
    } catch (err) {
      if (!signal.aborted) this.noteFailure(err);
      return 'failed';
    }
  }

  private async deliver(batch: BufferBatch, signal: AbortSignal): Promise<Outcome> {
    const delivery = await this.o.transport.deliver(batch.events, signal);
    const done = delivery.stored === 'all' ? 'all' : new Set([...delivery.stored, ...delivery.rejected.map((r) => r.eventId)]);
    // Made durable before anything else: from here on these events are never sent again.
    await this.o.buffer.acknowledge(batch, done);
    const count = done === 'all' ? batch.events.length : batch.events.filter((e) => done.has(e.eventId)).length;
    const rejected = delivery.rejected.filter((r) => batch.events.some((e) => e.eventId === r.eventId));
    if (rejected.length > 0) {
      this.rejected += rejected.length;
      this.o.log.warn({ destination: this.o.transport.destination, rejected: rejected.length, reason: rejected[0]?.reason }, 'tracking collector rejected events');
    }
    if (count === 0) {
      this.noteFailure(new Error('the collector acknowledged no event of the batch'));
      return 'failed';
    }
    this.noteSuccess(count - rejected.length);
    return 'progress';
  }

  private noteFailure(err: unknown): void {
    const error = errorText(err);
    if (this.failure) {
      this.failure.attempts++;
      this.failure.error = error;
      return;
    }
    this.failure = { since: this.o.clock.now(), attempts: 1, error };
    this.o.log.warn({ destination: this.o.transport.destination, err: error, pendingEvents: this.o.buffer.stats().pendingEvents }, 'tracking collector unreachable; events stay buffered');
  }

  private noteSuccess(count: number): void {
    this.delivered += count;
    this.lastDeliveredAt = this.o.clock.now();
    if (!this.failure) return;
    this.o.log.info({ destination: this.o.transport.destination, failedAttempts: this.failure.attempts, pendingEvents: this.o.buffer.stats().pendingEvents }, 'tracking collector reachable again');
    this.failure = undefined;
  }

  private backoffMs(): number {
    const attempts = this.failure?.attempts ?? 1;
    return Math.min(this.o.maxBackoffMs, this.o.initialBackoffMs * 2 ** Math.min(attempts - 1, 30));
  }

  private watchBuffer(): void {
    const s = this.o.buffer.stats();
    if (s.droppedEvents > this.droppedReported) {
      this.o.log.error({ droppedEvents: s.droppedEvents, pendingEvents: s.pendingEvents }, 'tracking buffer full; oldest undelivered events dropped');
      this.droppedReported = s.droppedEvents;
    }
    const above = s.pendingBytes >= this.o.bufferWarnBytes;
    if (above && !this.aboveWarning) {
      this.o.log.warn({ pendingEvents: s.pendingEvents, pendingBytes: s.pendingBytes, bufferWarnBytes: this.o.bufferWarnBytes }, 'tracking buffer growing');
    }
    this.aboveWarning = above;
  }

  private waitForRecord(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
