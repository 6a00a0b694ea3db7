import type { Clock } from '../../clock/index.js';
import { TTL_EXPIRED_DESCRIPTION } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import type { StatusRegistry } from '../../messages/status-registry.js';
import type { Store } from '../../store/index.js';
import type { Job } from '../jobs/index.js';

// The reference's TimeToLiveTasks (ops notes §4.5, api notes §4.5): every conversation, outgoing or
// incoming, that is not finished when its expiry (expectedResponseDateTime) passes gets LEVETID_UTLOPT,
// and an incoming message still waiting for the case system is deleted with its files. An outgoing
// message still queued is left to the outbox, which checks the TTL itself before every attempt.

export interface TtlCheckOptions {
  store: Pick<Store, 'listExpiredConversations' | 'deleteMessage'>;
  clock: Clock;
  statuses: Pick<StatusRegistry, 'register'>;
  log: Logger;
  /** Cron with seconds; the reference's ttlPollingrate is 30 s. */
  schedule?: string;
}

export const TTL_CHECK_JOB = 'ttl-check';
const DEFAULT_SCHEDULE = '*/30 * * * * *';
const BATCH = 500;

export function ttlCheckJob(o: TtlCheckOptions): Job {
  return { name: TTL_CHECK_JOB, schedule: o.schedule ?? DEFAULT_SCHEDULE, run: (signal) => expireConversations(o, signal) };
}

async function expireConversations(o: TtlCheckOptions, signal: AbortSignal): Promise<void> {
  const now = o.clock.now();
  let afterId = 0;
  let expired = 0;
  for (;;) {
    const batch = await o.store.listExpiredConversations(now, afterId, BATCH);
    for (const conversation of batch) {
      if (signal.aborted) return;
      // The payload first: should we stop in between, the conversation is still unfinished and the
      // next run finishes it, instead of a finished conversation keeping its payload for ever.
      if (conversation.direction === 'INCOMING') await o.store.deleteMessage('INCOMING', conversation.messageId);
      await o.statuses.register(conversation.messageId, conversation.direction, conversation.serviceIdentifier, 'LEVETID_UTLOPT', { description: TTL_EXPIRED_DESCRIPTION });
      afterId = conversation.id;
      expired++;
    }
    if (batch.length < BATCH) break;
  }
  if (expired > 0) o.log.info({ expired }, 'conversations past their expiry marked LEVETID_UTLOPT');
}
