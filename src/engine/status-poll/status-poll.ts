import type { Clock } from '../../clock/index.js';
import type { ReceiptStatus, ServiceIdentifier } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import type { StatusRegistry } from '../../messages/status-registry.js';
import type { ConversationRecord, Store } from '../../store/index.js';
import type { StatusUpdate, Transport } from '../../transports/index.js';
import type { Job } from '../jobs/index.js';
import { ScheduleClock } from '../schedule/index.js';
import { isPollDue } from './poll-interval.js';

// The reference's StatusPolling (transports notes §2.3): pollable outgoing conversations, page by page
// and service by service, are asked about at their transport, and what it answers is registered.
// Due-ness is the reference's linear back-off, read on a ScheduleClock so it moves under a fixed Clock.
// A transport that fails is logged and the others still run.

export interface StatusPollOptions {
  store: Pick<Store, 'listPollableConversations' | 'updateConversation'>;
  clock: Clock;
  statuses: Pick<StatusRegistry, 'register'>;
  /** Those with pollStatus take part. */
  transports: readonly Transport[];
  log: Logger;
  /** Cron with seconds; the reference's statusPollingCron is every minute. */
  schedule?: string;
  /** Conversations per page (the reference's 2000). */
  pageSize?: number;
  /** Called for each status a transport reports, before it is registered (synthetic receipts). */
  onStatus?: OnPolledStatus;
}

export type OnPolledStatus = (service: ServiceIdentifier, conversation: ConversationRecord, status: ReceiptStatus) => Promise<void>;

export const STATUS_POLL_JOB = 'status-poll';
const DEFAULT_SCHEDULE = '0 * * * * *';
const DEFAULT_PAGE_SIZE = 2000;

type StatusPoller = Transport & Required<Pick<Transport, 'pollStatus'>>;

export function statusPollJob(o: StatusPollOptions): Job {
  const schedule = new ScheduleClock(o.clock);
  const pollers = o.transports.filter((t): t is StatusPoller => t.pollStatus !== undefined);
  let previousRun: Date | undefined;
  return {
    name: STATUS_POLL_JOB,
    schedule: o.schedule ?? DEFAULT_SCHEDULE,
    run: async (signal) => {
      const now = schedule.now();
      for (const transport of pollers) {
        if (signal.aborted) return;
        try {
          await pollService(o, transport, { now, previousRun, signal });
        } catch (err) {
          o.log.warn({ err, serviceIdentifier: transport.service }, 'status polling failed');
        }
      }
      previousRun = now;
    },
  };
}

interface Round {
  now: Date;
  previousRun: Date | undefined;
  signal: AbortSignal;
}

async function pollService(o: StatusPollOptions, transport: StatusPoller, round: Round): Promise<void> {
  const pageSize = o.pageSize ?? DEFAULT_PAGE_SIZE;
  let afterId = 0;
  for (;;) {
    const page = await o.store.listPollableConversations(transport.service, afterId, pageSize);
    const due = page.filter((c) => isPollDue(c.lastUpdate, round.now, round.previousRun));
    if (due.length > 0 && !round.signal.aborted) {
      const updates = await transport.pollStatus(due, round.signal);
      for (const conversation of due) await apply(o, transport.service, conversation, updates.get(conversation.id) ?? []);
    }
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize || round.signal.aborted) return;
    afterId = last.id;
  }
}

async function apply(o: StatusPollOptions, service: ServiceIdentifier, conversation: ConversationRecord, updates: readonly StatusUpdate[]): Promise<void> {
  for (const update of updates) {
    // Before the status: should it fail, the status is not registered either, and the next poll
    // tries both again (a receipt made twice has the same messageId, so it is stored once).
    await o.onStatus?.(service, conversation, update.status);
    await o.statuses.register(conversation.messageId, 'OUTGOING', service, update.status, { description: update.description, rawReceipt: update.rawReceipt });
    if (update.keepPolling === false) await o.store.updateConversation(conversation.id, { pollable: false });
  }
}
