// The durable outbox: sends queued messages and status messages through their Transport.
export { Outbox, type OutboxOptions, type OutboxStore, type StopOptions } from './outbox.js';
export type { ResolveRecord } from './delivery.js';
export { DEFAULT_OUTBOX_SETTINGS, maxAttemptsForRetryHours, sendRetryPolicy, type OutboxSettings, type SendRetrySettings } from './settings.js';
