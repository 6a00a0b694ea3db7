// The status-poll job: pollable outgoing conversations asked about at their transport.
export { STATUS_POLL_JOB, statusPollJob, type OnPolledStatus, type StatusPollOptions } from './status-poll.js';
export { isPollDue, pollIntervalMs } from './poll-interval.js';
export { syntheticReceipts, type SyntheticReceiptsOptions } from './synthetic-receipts.js';
