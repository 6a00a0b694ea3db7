import type { Clock } from '../clock/index.js';
import type { KeystoreEntry } from '../crypto/index.js';
import type { ServiceIdentifier } from '../domain/index.js';
import type { Logger } from '../logging/index.js';
import type { StatusRegistry } from '../messages/status-registry.js';
import type { Store } from '../store/index.js';
import type { Transport } from '../transports/index.js';
import { EngineSetupError } from './errors.js';
import { Inbox, StatusReplies } from './inbox/index.js';
import type { Job } from './jobs/index.js';
import { Outbox, type OutboxSettings, type ResolveRecord } from './outbox/index.js';
import { statusPollJob, syntheticReceipts } from './status-poll/index.js';
import { ttlCheckJob } from './ttl/index.js';

// The delivery engine in one call for the composition root: the outbox, the inbox every poller feeds,
// and the jobs (ttl-check, status-poll, and one <service>-poll per transport that polls).

export interface EngineSettings {
  outbox: Partial<OutboxSettings>;
  /** Services that answer incoming messages with MOTTATT and LEVERT (difi.move.nextmove.status-services). */
  statusServices: readonly ServiceIdentifier[];
  /** Upper bound of one incoming ASiC-E. */
  maxAsicBytes: number;
  /** Make arkivmelding receipts on DPV's LEVERT and DPF's LEST (difi.move.arkivmelding.generate-arkivmelding-receipts). */
  generateReceipts: boolean;
  /** Stable id of this installation in the outbox's leases (OutboxOptions.owner); random when absent. */
  owner?: string;
  /** Cron patterns with seconds, overriding the defaults of ttl-check, status-poll and the polls. */
  schedules: {
    ttlCheck?: string;
    statusPoll?: string;
    poll?: Partial<Record<ServiceIdentifier, string>>;
  };
}

export interface EngineOptions {
  store: Store;
  clock: Clock;
  statuses: StatusRegistry;
  /** At most one per service. */
  transports: readonly Transport[];
  resolveRecord: ResolveRecord;
  /** Our business key, to decrypt what peers encrypted to us. */
  ownKey: KeystoreEntry;
  log: Logger;
  settings?: Partial<EngineSettings>;
}

export interface Engine {
  outbox: Outbox;
  inbox: Inbox;
  jobs: Job[];
}

const DEFAULT_SETTINGS: Readonly<EngineSettings> = {
  outbox: {},
  statusServices: ['DPO', 'DPE'],
  maxAsicBytes: 10 * 1024 ** 3,
  generateReceipts: true,
  schedules: {},
};

// The reference's pollers (ops notes §4.6): DPO every 15 s, DPE 20 s, DPF 15 min, DPH 30 s; DPI
// receipts every 10 s.
const DEFAULT_POLL_SCHEDULES: Partial<Record<ServiceIdentifier, string>> = {
  DPO: '*/15 * * * * *',
  DPE: '*/20 * * * * *',
  DPF: '0 */15 * * * *',
  DPH: '*/30 * * * * *',
  DPI: '*/10 * * * * *',
};
const FALLBACK_POLL_SCHEDULE = '*/30 * * * * *';

export function createEngine(o: EngineOptions): Engine {
  const settings = { ...DEFAULT_SETTINGS, ...o.settings };
  const transports = byService(o.transports);
  const log = o.log.child({ module: 'engine' });
  const outbox = new Outbox({
    store: o.store, clock: o.clock, statuses: o.statuses, transports, resolveRecord: o.resolveRecord,
    log: log.child({ part: 'outbox' }), settings: settings.outbox, owner: settings.owner,
  });
  // What we send ourselves in answer (statuses, made-up receipts) lives as long as the service's messages.
  const ttlHours = (service: ServiceIdentifier): number => transports.get(service)?.defaultTtlHours ?? 24;
  const replies = new StatusReplies({
    store: o.store, clock: o.clock, statusServices: new Set(settings.statusServices), ttlHours,
    onQueued: () => outbox.wake(), log: log.child({ part: 'replies' }),
  });
  const inbox = new Inbox({
    store: o.store, clock: o.clock, statuses: o.statuses, replies, ownKey: o.ownKey, maxAsicBytes: settings.maxAsicBytes,
    log: log.child({ part: 'inbox' }),
  });
  const jobs: Job[] = [
    ttlCheckJob({ store: o.store, clock: o.clock, statuses: o.statuses, log: log.child({ part: 'ttl' }), schedule: settings.schedules.ttlCheck }),
    statusPollJob({
      store: o.store, clock: o.clock, statuses: o.statuses, transports: o.transports, log: log.child({ part: 'status-poll' }),
      schedule: settings.schedules.statusPoll,
      onStatus: settings.generateReceipts
        ? syntheticReceipts({ inbox, clock: o.clock, ttlHours, log: log.child({ part: 'receipts' }) })
        : undefined,
    }),
    ...o.transports.flatMap((transport) => pollJob(transport, inbox, settings.schedules.poll?.[transport.service])),
  ];
  return { outbox, inbox, jobs };
}

function byService(transports: readonly Transport[]): Map<ServiceIdentifier, Transport> {
  const map = new Map<ServiceIdentifier, Transport>();
  for (const transport of transports) {
    if (map.has(transport.service)) throw new EngineSetupError(`two transports claim the service ${transport.service}`);
    map.set(transport.service, transport);
  }
  return map;
}

/** `dpo-poll` and its kind (CONTRACT.md §5): runs one poll to its end, handing each message to the inbox. */
function pollJob(transport: Transport, inbox: Inbox, schedule: string | undefined): Job[] {
  const poll = transport.poll?.bind(transport);
  if (poll === undefined) return [];
  return [{
    name: `${transport.service.toLowerCase()}-poll`,
    schedule: schedule ?? DEFAULT_POLL_SCHEDULES[transport.service] ?? FALLBACK_POLL_SCHEDULE,
    run: (signal) => poll(inbox, signal),
  }];
}
