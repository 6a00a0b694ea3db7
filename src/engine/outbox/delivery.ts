import type { ServiceRecord } from '../../addressing/index.js';
import type { Clock } from '../../clock/index.js';
import { isExpired, TTL_EXPIRED_DESCRIPTION, typeOf } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import type { StatusRegistry } from '../../messages/status-registry.js';
import type { MessageRecord, NewStatus, OutboxEntry, OutboxOutcome, Store } from '../../store/index.js';
import { PermanentSendError, type SendContext, type SendResult, type Transport } from '../../transports/index.js';
import { OutboxLeaseLostError } from '../errors.js';
import { nextAttemptAt, type RetryPolicy, type ScheduleClock } from '../schedule/index.js';

// One attempt at one outbox entry, in the reference's order (transports notes §2.1, NextMoveSender):
// an expired message gets LEVETID_UTLOPT instead of a send; otherwise the transport sends it and its
// statuses are registered (SENDT unless it says otherwise, never SENDT for a status SBD); either way
// the message and its files go and the conversation stays. A PermanentSendError gives FEIL at once;
// any other error is retried with backoff until the policy gives up, which gives FEIL too.

export type DeliveryStore = Pick<Store, 'listFiles' | 'openFile' | 'saveOutboxState' | 'retryOutbox' | 'finishOutbox'>;

/** Finds the receiver's Service Registry record for a message; throw PermanentSendError when there can be none. */
export type ResolveRecord = (message: MessageRecord) => Promise<ServiceRecord | undefined>;

export interface DeliveryContext {
  store: DeliveryStore;
  clock: Clock;
  schedule: ScheduleClock;
  statuses: Pick<StatusRegistry, 'optionsFor' | 'announce'>;
  resolveRecord: ResolveRecord;
  owner: string;
  retry: RetryPolicy;
  statusRetry: RetryPolicy;
  /** Aborted only when a stop gives up waiting for the sends in flight. */
  signal: AbortSignal;
  log: Logger;
}

export async function deliver(c: DeliveryContext, entry: OutboxEntry, transport: Transport): Promise<void> {
  const { message } = entry;
  const log = c.log.child({
    messageId: message.messageId, conversationId: message.conversationId, serviceIdentifier: message.serviceIdentifier, direction: 'OUTGOING',
  });
  if (isExpired(message.sbd, c.clock.now())) {
    await finish(c, entry, { statuses: [{ status: 'LEVETID_UTLOPT', description: TTL_EXPIRED_DESCRIPTION, at: c.clock.now() }] });
    log.info({ kind: entry.ref.kind }, 'message expired before it was sent');
    return;
  }
  let result: SendResult;
  try {
    const record = await c.resolveRecord(message);
    const files = entry.ref.kind === 'message' ? await c.store.listFiles('OUTGOING', message.messageId) : [];
    result = await transport.send({ message, files, open: (file) => c.store.openFile(file), record }, sendContext(c, entry, log));
  } catch (err) {
    await failed(c, entry, err, log);
    return;
  }
  const isStatusSbd = typeOf(message.sbd) === 'status';
  const statuses = (result.statuses ?? [{ status: 'SENDT' as const }])
    .filter((s) => !(isStatusSbd && s.status === 'SENDT'))
    .map((s): NewStatus => ({ ...s, at: c.clock.now() }));
  await finish(c, entry, {
    statuses,
    conversation: { externalSystemReference: result.externalSystemReference, pollable: result.startPolling ? true : undefined },
  });
  log.info({ kind: entry.ref.kind, attempt: entry.attempts + 1 }, 'message sent');
}

function sendContext(c: DeliveryContext, entry: OutboxEntry, log: Logger): SendContext {
  let state: Record<string, string> = { ...entry.transportState };
  return {
    signal: c.signal,
    log,
    state,
    saveState: async (update) => {
      const merged = { ...state, ...update };
      if (!(await c.store.saveOutboxState(entry.ref, c.owner, merged))) throw new OutboxLeaseLostError(entry.ref.messageId);
      state = merged;
    },
  };
}

/**
 * Status messages have no conversation of their own, so they end with no status (their row just goes);
 * everything else ends with the statuses given.
 */
async function finish(c: DeliveryContext, entry: OutboxEntry, outcome: OutboxOutcome): Promise<void> {
  const effective = entry.ref.kind === 'status' ? { statuses: [] } : outcome;
  const changes = await c.store.finishOutbox(entry.ref, effective, c.statuses.optionsFor(entry.message.serviceIdentifier));
  for (const change of changes) c.statuses.announce(change);
}

async function failed(c: DeliveryContext, entry: OutboxEntry, err: unknown, log: Logger): Promise<void> {
  const error = err instanceof Error ? err.message : String(err);
  if (err instanceof OutboxLeaseLostError) {
    log.warn({ err }, 'another worker took the message over; this attempt stops');
    return;
  }
  if (err instanceof PermanentSendError) {
    await finish(c, entry, { statuses: [{ status: 'FEIL', description: error, rawReceipt: err.rawReceipt, at: c.clock.now() }] });
    log.warn({ err, kind: entry.ref.kind }, 'message cannot be sent; given up');
    return;
  }
  const attempt = entry.attempts + 1;
  const policy = entry.ref.kind === 'status' ? c.statusRetry : c.retry;
  const retryAt = nextAttemptAt(attempt, policy, c.schedule.now());
  if (retryAt === undefined) {
    const { message } = entry;
    // The reference's DLQ text (ops notes §4.4), without "Moved to DLQ": there is no DLQ here.
    const description = `Request to receiver '${message.receiverIdentifier ?? ''}' failed delivery over ${message.serviceIdentifier}`;
    await finish(c, entry, { statuses: [{ status: 'FEIL', description, rawReceipt: error, at: c.clock.now() }] });
    log.warn({ err, attempt, kind: entry.ref.kind }, 'message not delivered after the last attempt; given up');
    return;
  }
  const recorded = await c.store.retryOutbox(entry.ref, c.owner, { error, nextAttemptAt: retryAt });
  if (recorded) log.info({ err, attempt, retryAt: retryAt.toISOString() }, 'send failed; will retry');
  else log.warn({ err }, 'send failed after another worker took the message over');
}
