import type { Dispatcher } from 'undici';
import type { ServiceRegistryClient } from '../../addressing/index.js';
import type { Clock } from '../../clock/index.js';
import type { Config } from '../../config/index.js';
import { lazyDispatcher } from '../../http/index.js';
import { createLogger, type Logger } from '../../logging/index.js';
import type { StatusUpdate, Transport } from '../port.js';
import { createCorrespondenceClient, type CorrespondenceClient, type DpvTokens } from './correspondence-client.js';
import { sendDpv } from './send.js';
import { statusUpdatesOf } from './status-mapping.js';

// DPV, digital post to businesses and persons through Altinn 3 Correspondence (transports notes §5.2).
// It has no incoming side; its statuses come from polling each sent correspondence (pollStatus), which
// the engine does for conversations the send marked pollable.

export type DpvSettings = Pick<Config['dpv'],
  | 'uploadSizeLimit' | 'defaultTtlHours' | 'correspondenceServiceUrl' | 'notifyEmail' | 'notifySms' | 'notificationText'
  | 'sensitiveNotificationText' | 'emailSubject' | 'daysToReply' | 'enableDueDate' | 'sensitiveResource'
  | 'connectTimeout' | 'requestTimeout'>;

export interface DpvTransportOptions {
  config: DpvSettings;
  tokens: DpvTokens;
  /** Gives the sender's name shown to the recipient (`GET /info/{orgnr}`). */
  serviceRegistry: Pick<ServiceRegistryClient, 'info'>;
  clock: Clock;
  log?: Logger;
  /** Defaults to an undici Agent with the configured connect timeout. */
  dispatcher?: Dispatcher;
}

/** Correspondences whose status is asked for at once while polling. */
const STATUS_CONCURRENCY = 8;

export function createDpvTransport(options: DpvTransportOptions): Transport {
  const { config } = options;
  const log = (options.log ?? createLogger({ level: 'silent' })).child({ module: 'dpv' });
  const dispatcher = lazyDispatcher(config.connectTimeout, options.dispatcher);
  const client = createCorrespondenceClient({
    baseUrl: config.correspondenceServiceUrl, tokens: options.tokens, requestTimeoutMs: config.requestTimeout, dispatcher,
  });
  const settings = { ...config, maxBytes: config.uploadSizeLimit };

  return {
    service: 'DPV',
    maxBytes: config.uploadSizeLimit,
    defaultTtlHours: config.defaultTtlHours,
    send: (message, context) => sendDpv({ client, serviceRegistry: options.serviceRegistry, clock: options.clock, settings }, message, context),
    pollStatus: async (conversations, signal) => {
      const updates = new Map<number, StatusUpdate[]>();
      const pollable = conversations.filter((c) => c.externalSystemReference !== undefined);
      await forEachConcurrently(pollable, STATUS_CONCURRENCY, async (conversation) => {
        const correspondenceId = conversation.externalSystemReference ?? '';
        const found = await overviewOrSkip(client, correspondenceId, signal, log);
        if (found.ok) updates.set(conversation.id, statusUpdatesOf(found.overview));
      });
      return updates;
    },
  };
}

type Looked = { ok: true; overview: Awaited<ReturnType<CorrespondenceClient['overview']>> } | { ok: false };

/** A correspondence whose status cannot be read now is asked for again at the next poll. */
async function overviewOrSkip(client: CorrespondenceClient, correspondenceId: string, signal: AbortSignal, log: Logger): Promise<Looked> {
  try {
    return { ok: true, overview: await client.overview(correspondenceId, signal) };
  } catch (error) {
    if (signal.aborted) throw error;
    log.warn({ correspondenceId, err: error }, 'DPV correspondence status unavailable; asking again next poll');
    return { ok: false };
  }
}

async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  // The workers share one iterator, so each item is taken exactly once.
  const pending = items.values();
  const worker = async (): Promise<void> => {
    for (const item of pending) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
