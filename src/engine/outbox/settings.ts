import type { RetryPolicy } from '../schedule/index.js';

export interface OutboxSettings {
  /** Messages sent at once (difi.move.queue.concurrency). */
  concurrency: number;
  /** Retries of an outgoing message; after the last failed attempt it gets FEIL. */
  retry: RetryPolicy;
  /** Retries of a status message sent back to a sender; after the last it is dropped with a warning. */
  statusRetry: RetryPolicy;
  /** How long a claim holds a message; renewed every third of it while the send runs. */
  leaseMs: number;
  /** Longest sleep between looks at the queue, so work queued by another process is found. */
  idleRecheckMs: number;
}

const HOUR_MS = 3_600_000;

// The reference's ActiveMQ redelivery (ops notes §4.4): 20 s, ×3, capped at 1 h, and 5 +
// maximum-retry-hours (100) redeliveries after the first delivery, so 106 attempts in all. In practice
// the message's TTL (24 h by default) ends the retries first. Status messages follow
// ResponseStatusSenderProxy's @Retryable: 10 attempts, 5 s ×2, capped at 10 min (api notes §4.6).
export const DEFAULT_OUTBOX_SETTINGS: Readonly<OutboxSettings> = Object.freeze({
  concurrency: 10,
  retry: Object.freeze({ maxAttempts: 106, initialBackoffMs: 20_000, backoffMultiplier: 3, maxBackoffMs: HOUR_MS }),
  statusRetry: Object.freeze({ maxAttempts: 10, initialBackoffMs: 5_000, backoffMultiplier: 2, maxBackoffMs: 10 * 60_000 }),
  leaseMs: 60_000,
  idleRecheckMs: 60_000,
});

/** The reference's maximum-retry-hours as attempts: 5 quick ones, then one an hour, plus the first. */
export function maxAttemptsForRetryHours(hours: number): number {
  return 1 + 5 + hours;
}

export interface SendRetrySettings {
  maximumRetryHours: number;
  initialBackoffMs: number;
  backoffFactor: number;
  maxBackoffMs: number;
}

/** The retry policy of outgoing messages from the queue settings (difi.move.queue.*, efm.queue.*). */
export function sendRetryPolicy(s: SendRetrySettings): RetryPolicy {
  return { maxAttempts: maxAttemptsForRetryHours(s.maximumRetryHours), initialBackoffMs: s.initialBackoffMs, backoffMultiplier: s.backoffFactor, maxBackoffMs: s.maxBackoffMs };
}
