import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import type { Clock } from '../../clock/index.js';
import type { Config } from '../../config/index.js';
import type { KeystoreEntry } from '../../crypto/index.js';
import { lazyDispatcher } from '../../http/index.js';
import type { IdGenerator } from '../../ids/index.js';
import { createLogger, type Logger } from '../../logging/index.js';
import type { Transport } from '../port.js';
import { spoolDir } from '../spool-dir.js';
import type { AltinnTokens } from './altinn-tokens.js';
import { createBrokerClient } from './broker-client.js';
import { pollDpo } from './poll.js';
import { sendDpo } from './send.js';
import { createSystemUsers } from './system-users.js';
import { createUnconfirmedDownloads } from './unconfirmed-downloads.js';

// DPO, eFormidling's message service over the Altinn 3 broker (transports notes §5.1). The daemon runs
// `poll` as the `dpo-poll` job. The incoming ASiC is handed on still encrypted, as the reference stores
// it (§2.2 step 3); decryption and the signature check happen where it is opened (pop).

export type DpoSettings = Pick<Config['dpo'],
  | 'uploadSizeLimit' | 'defaultTtlHours' | 'messageChannel' | 'brokerserviceUrl' | 'resource' | 'systemUser'
  | 'reportees' | 'connectTimeout' | 'requestTimeout' | 'poll'>;

export interface DpoTransportOptions {
  config: DpoSettings;
  /** Our business key: signs the ASiC-E. */
  ownKey: KeystoreEntry;
  /** Draws the `sendersFileTransferReference` of each new file transfer (CONTRACT.md §4). */
  ids: IdGenerator;
  tokens: AltinnTokens;
  clock: Clock;
  /**
   * The transport's own folder, kept across restarts (e.g. `<data-dir>/dpo`): spools and downloads in
   * `tmp/` (emptied when the transport first runs) and the notes of unconfirmed downloads.
   */
  workDir: string;
  log?: Logger;
  /** Defaults to an undici Agent with the configured connect timeout. */
  dispatcher?: Dispatcher;
}

/** Room for the business manifest, the signature files, zip headers and CMS framing around the documents. */
const ENVELOPE_ALLOWANCE_BYTES = 16 * 1024 * 1024;

export function createDpoTransport(options: DpoTransportOptions): Transport {
  const { config } = options;
  const log = (options.log ?? createLogger({ level: 'silent' })).child({ module: 'dpo' });
  const systemUsers = createSystemUsers(config);
  const dispatcher = lazyDispatcher(config.connectTimeout, options.dispatcher);
  const broker = createBrokerClient({
    baseUrl: config.brokerserviceUrl,
    resource: config.resource,
    tokens: options.tokens,
    requestTimeoutMs: config.requestTimeout,
    dispatcher,
  });

  const tempDir = join(options.workDir, 'tmp');
  const unconfirmed = createUnconfirmedDownloads(join(options.workDir, 'unconfirmed'), options.clock);
  const ready = spoolDir(tempDir);

  return {
    service: 'DPO',
    maxBytes: config.uploadSizeLimit,
    defaultTtlHours: config.defaultTtlHours,
    send: async (message, context) => {
      await ready();
      return sendDpo({
        broker, systemUsers, ownKey: options.ownKey, ids: options.ids, clock: options.clock,
        messageChannel: config.messageChannel, maxBytes: config.uploadSizeLimit, tempDir,
      }, message, context);
    },
    poll: async (sink, signal) => {
      await ready();
      await pollDpo({
        broker, systemUsers, unconfirmed, messageChannel: config.messageChannel, tempDir,
        maxFilesPerRun: config.poll.maxFilesPerRun, concurrency: config.poll.concurrency,
        maxDownloadBytes: config.uploadSizeLimit + ENVELOPE_ALLOWANCE_BYTES, log,
      }, sink, signal);
    },
  };
}
