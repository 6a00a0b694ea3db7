import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import type { Clock } from '../../clock/index.js';
import type { Config } from '../../config/index.js';
import type { KeystoreEntry } from '../../crypto/index.js';
import { lazyDispatcher } from '../../http/index.js';
import { createLogger, type Logger } from '../../logging/index.js';
import type { Transport } from '../port.js';
import { spoolDir } from '../spool-dir.js';
import { pollDpe } from './poll.js';
import { ownQueue } from './queues.js';
import type { SasKeySource } from './sas-token.js';
import { sendDpe } from './send.js';
import { createServiceBusClient } from './service-bus-client.js';

// DPE, eInnsyn's message service over the Azure Service Bus REST API (transports notes §5.5). The daemon
// runs `poll` as the `dpe-poll` job. The incoming ASiC is handed on still encrypted, as the reference
// stores it (§2.2 step 3); the MOTTATT and LEVERT answers are status SBDs the engine sends through `send`.

export type DpeSettings = Pick<Config['dpe'],
  | 'uploadSizeLimit' | 'defaultTtlHours' | 'mode' | 'receiptQueue' | 'baseUrl' | 'useHttps' | 'sasKeyName' | 'connectTimeout'>;

export interface DpeTransportOptions {
  config: DpeSettings;
  /** Our organisation number: we read `nextbestqueue<orgnr><mode>`. */
  orgnr: string;
  /** Our business key: signs the ASiC-E. */
  ownKey: KeystoreEntry;
  sasKey: SasKeySource;
  clock: Clock;
  /** The transport's own folder (e.g. `<data-dir>/dpe`); outgoing bodies are spooled in `tmp/`. */
  workDir: string;
  log?: Logger;
  /** Defaults to an undici Agent with the configured connect timeout. */
  dispatcher?: Dispatcher;
}

/** Room for the SBD, the business manifest, the signature and CMS framing around the documents. */
const ENVELOPE_ALLOWANCE_BYTES = 1024 * 1024;

export function createDpeTransport(options: DpeTransportOptions): Transport {
  const { config } = options;
  const log = (options.log ?? createLogger({ level: 'silent' })).child({ module: 'dpe' });
  const dispatcher = lazyDispatcher(config.connectTimeout, options.dispatcher);
  const bus = createServiceBusClient({
    baseUrl: `${config.useHttps ? 'https' : 'http'}://${config.baseUrl}`,
    keyName: config.sasKeyName,
    sasKey: options.sasKey,
    clock: options.clock,
    timeoutMs: config.connectTimeout,
    dispatcher,
  });

  const tempDir = join(options.workDir, 'tmp');
  const ready = spoolDir(tempDir);

  return {
    service: 'DPE',
    maxBytes: config.uploadSizeLimit,
    defaultTtlHours: config.defaultTtlHours,
    send: async (message, context) => {
      await ready();
      return sendDpe({
        bus, ownKey: options.ownKey, clock: options.clock, mode: config.mode, receiptQueue: config.receiptQueue,
        maxBytes: config.uploadSizeLimit, tempDir,
      }, message, context);
    },
    poll: (sink, signal) => pollDpe({
      bus,
      queue: ownQueue(options.orgnr, config.mode),
      // Both base64 layers make 4 of every 3 bytes: 16/9 of the CMS.
      maxMessageBytes: Math.ceil((config.uploadSizeLimit * 16) / 9) + ENVELOPE_ALLOWANCE_BYTES,
      log,
    }, sink, signal),
  };
}
