// Timing shared by the engine's workers: due-ness that still moves under a fixed Clock, and backoff.
export { ScheduleClock, type MonotonicMs } from './schedule-clock.js';
export { backoffMs, nextAttemptAt, type RetryPolicy } from './retry-policy.js';
