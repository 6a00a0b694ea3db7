import type { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import type { Clock } from '../../clock/index.js';
import type { Config } from '../../config/index.js';
import type { KeystoreEntry } from '../../crypto/index.js';
import { lazyDispatcher } from '../../http/index.js';
import { createLogger, type Logger } from '../../logging/index.js';
import type { ConversationRecord } from '../../store/index.js';
import type { StatusUpdate, Transport } from '../port.js';
import { spoolDir } from '../spool-dir.js';
import { createCorner2Client } from './corner2-client.js';
import { createPrintLookup } from './print-lookup.js';
import { pollDpiReceipts, type DpiReceiptSink, type ReceiptPollResult } from './receipts.js';
import { loadDpiSchemas, type DpiSchemaValidator } from './schema-validator.js';
import { sendDpi } from './send.js';
import { pollDpiStatuses } from './status-poll.js';
import type { DpiTokens } from './tokens.js';

// DPI, digital post to citizens over corner 2 (transports notes §5.3): `send` for digital and print
// letters, `pollStatus` for the per-message statuses (SENDT until MOTTATT), and `pollReceipts` for the
// receipts corner 3 sends back (delivered, opened, failed, print), which the daemon runs as its own
// job every `efm.dpi.receipt-poll-interval` and registers by conversationId.

export type DpiSettings = Pick<Config['dpi'],
  | 'uploadSizeLimit' | 'defaultTtlHours' | 'uri' | 'mpcId' | 'avsenderidentifikatorListe' | 'pollWithoutAvsenderidentifikator'
  | 'pageSize' | 'language' | 'printSettings' | 'krrPrintUrl' | 'connectTimeout' | 'readTimeout'> & {
    certificate: Pick<Config['dpi']['certificate'], 'mode'>;
  };

export interface DpiTransportOptions {
  config: DpiSettings;
  /** Signs the ASiC-E and the business message JWS (`efm.dpi.keystore`). */
  signer: KeystoreEntry;
  tokens: DpiTokens;
  clock: Clock;
  /** The folder of Digdir's DPI JSON Schemas (schemas/dpi-json). */
  schemaDir: string;
  /** CA certificates receipt signers must chain to in TEST and PRODUCTION mode (`efm.dpi.certificate.trusted-roots`). */
  trustedRoots?: readonly X509Certificate[];
  /** The transport's own folder (e.g. `<data-dir>/dpi`); dokumentpakker are spooled in `tmp/`, emptied on first use. */
  workDir: string;
  log?: Logger;
  /** Defaults to an undici Agent with the configured connect timeout. */
  dispatcher?: Dispatcher;
}

export interface DpiTransport extends Transport {
  pollStatus(conversations: readonly ConversationRecord[], signal: AbortSignal): Promise<Map<number, StatusUpdate[]>>;
  /** Reads the receipts waiting at corner 2, hands each to the sink and confirms it once accepted. */
  pollReceipts(sink: DpiReceiptSink, signal: AbortSignal): Promise<ReceiptPollResult>;
}

const STATUS_POLL_CONCURRENCY = 8;

export function createDpiTransport(options: DpiTransportOptions): DpiTransport {
  const { config } = options;
  const log = (options.log ?? createLogger({ level: 'silent' })).child({ module: 'dpi' });
  const trustedRoots = options.trustedRoots ?? [];
  if (config.certificate.mode !== 'SELF_SIGNED' && trustedRoots.length === 0) {
    log.warn({ mode: config.certificate.mode }, 'no trusted roots for DPI receipt certificates; only their validity is checked');
  }
  const dispatcher = lazyDispatcher(config.connectTimeout, options.dispatcher);
  let schemas: Promise<DpiSchemaValidator> | undefined;
  const loadSchemas = (): Promise<DpiSchemaValidator> => {
    schemas ??= loadDpiSchemas(options.schemaDir).catch((error: unknown) => {
      schemas = undefined;
      throw error;
    });
    return schemas;
  };
  const corner2 = createCorner2Client({ baseUrl: config.uri, readTimeoutMs: config.readTimeout, dispatcher });
  const printLookup = createPrintLookup({ url: config.krrPrintUrl, clock: options.clock, timeoutMs: config.readTimeout, dispatcher });
  // transports notes §9.6: corner 2 names the channel with underscores where the mpcId has dots.
  const kanal = config.mpcId.replace(/\./g, '_');

  const tempDir = join(options.workDir, 'tmp');
  const ready = spoolDir(tempDir);

  return {
    service: 'DPI',
    maxBytes: config.uploadSizeLimit,
    defaultTtlHours: config.defaultTtlHours,
    send: async (message, context) => {
      await ready();
      return sendDpi({
        corner2, tokens: options.tokens, printLookup, schemas: loadSchemas, signer: options.signer, clock: options.clock,
        kanal, language: config.language, printSettings: config.printSettings, maxBytes: config.uploadSizeLimit, tempDir,
      }, message, context);
    },
    pollStatus: (conversations, signal) => pollDpiStatuses({ corner2, tokens: options.tokens, concurrency: STATUS_POLL_CONCURRENCY, log }, conversations, signal),
    pollReceipts: (sink, signal) => pollDpiReceipts({
      corner2, tokens: options.tokens, schemas: loadSchemas, certificateMode: config.certificate.mode, trustedRoots,
      clock: options.clock, kanal, pageSize: config.pageSize, log,
      avsenderidentifikatorer: [...(config.pollWithoutAvsenderidentifikator ? [undefined] : []), ...config.avsenderidentifikatorListe],
    }, sink, signal),
  };
}
