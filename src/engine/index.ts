// The delivery engine: outbox, inbox, TTL and status polling, built by createEngine. Webhooks and the
// job registry keep their own surfaces (engine/webhooks, engine/jobs).
export { createEngine, type Engine, type EngineOptions, type EngineSettings } from './create-engine.js';
export { EngineSetupError, OutboxLeaseLostError } from './errors.js';
export { Inbox, StatusReplies, type InboxOptions, type RepliedMessage, type StatusRepliesOptions } from './inbox/index.js';
export {
  DEFAULT_OUTBOX_SETTINGS, maxAttemptsForRetryHours, Outbox, sendRetryPolicy,
  type OutboxOptions, type OutboxSettings, type ResolveRecord, type StopOptions,
} from './outbox/index.js';
export { STATUS_POLL_JOB, statusPollJob, type StatusPollOptions } from './status-poll/index.js';
export { TTL_CHECK_JOB, ttlCheckJob, type TtlCheckOptions } from './ttl/index.js';
