import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import type { ServiceRegistryClient } from '../../addressing/index.js';
import type { Clock } from '../../clock/index.js';
import type { Config } from '../../config/index.js';
import type { KeystoreEntry } from '../../crypto/index.js';
import { lazyDispatcher } from '../../http/index.js';
import type { IdGenerator } from '../../ids/index.js';
import { createLogger, type Logger } from '../../logging/index.js';
import type { ConversationRecord } from '../../store/index.js';
import type { IncomingSink, StatusUpdate, Transport } from '../port.js';
import { spoolDir } from '../spool-dir.js';
import { createAdapterClient } from './adapter-client.js';
import { createDphParties } from './parties.js';
import { pollDph } from './poll.js';
import { sendDph } from './send.js';
import { pollDphStatuses } from './status-poll.js';
import type { DphTokens } from './tokens.js';

// DPH, health messages to and from Norsk Helsenett through Digdir's nhn-adapter (transports notes §5.6):
// `send` for dialogmelding and application receipts, `pollStatus` for what NHN and the receiver say about
// a sent message (SENDT until LEVERT or FEIL), and `poll`, which the daemon runs as the `dph-poll` job,
// for the messages and application receipts waiting for our HER ids. The incoming dokumentpakke is
// handed on still encrypted to our certificate; the inbox decrypts it (AES-256-GCM, tag appended).

export type DphSettings = Pick<Config['dph'],
  | 'uploadSizeLimit' | 'defaultTtlHours' | 'uri' | 'herIds' | 'nhnProcess' | 'dialogmeldingDocumentType'
  | 'receiptProcess' | 'receiptDocumentType' | 'connectTimeout' | 'readTimeout'>;

export interface DphTransportOptions {
  config: DphSettings;
  /** Our business key: signs the JWS and the ASiC-E; the adapter encrypts to its certificate. */
  ownKey: KeystoreEntry;
  tokens: DphTokens;
  /** The organisation of each HER id (`/info`) and the adapter's certificate (`/virksert/991825827`). */
  serviceRegistry: Pick<ServiceRegistryClient, 'info' | 'virksert'>;
  /** Draws the messageIds of the application receipts the transport writes itself. */
  ids: IdGenerator;
  clock: Clock;
  /**
   * `efm.messages.receipts-enabled`: when false, each incoming dialogmelding is answered with an OK
   * application receipt by us, and incoming application receipts are not offered to the case system.
   */
  receiptsEnabled: boolean;
  /** The transport's own folder (e.g. `<data-dir>/dph`); spools in `tmp/`, emptied on first use. */
  workDir: string;
  log?: Logger;
  /** Defaults to an undici Agent with the configured connect timeout. */
  dispatcher?: Dispatcher;
}

export interface DphTransport extends Transport {
  poll(sink: IncomingSink, signal: AbortSignal): Promise<void>;
  pollStatus(conversations: readonly ConversationRecord[], signal: AbortSignal): Promise<Map<number, StatusUpdate[]>>;
}

/** Room for the ASiC-E's signature files, zip headers and CMS framing around the documents. */
const ENVELOPE_ALLOWANCE_BYTES = 4 * 1024 * 1024;
const STATUS_POLL_CONCURRENCY = 8;

export function createDphTransport(options: DphTransportOptions): DphTransport {
  const { config } = options;
  const log = (options.log ?? createLogger({ level: 'silent' })).child({ module: 'dph' });
  const dispatcher = lazyDispatcher(config.connectTimeout, options.dispatcher);
  const adapter = createAdapterClient({ baseUrl: config.uri, readTimeoutMs: config.readTimeout, dispatcher });
  const parties = createDphParties(options.serviceRegistry);

  const tempDir = join(options.workDir, 'tmp');
  const ready = spoolDir(tempDir);

  return {
    service: 'DPH',
    maxBytes: config.uploadSizeLimit,
    defaultTtlHours: config.defaultTtlHours,
    send: async (message, context) => {
      await ready();
      return sendDph({
        adapter, tokens: options.tokens, parties, signer: options.ownKey, clock: options.clock, maxBytes: config.uploadSizeLimit, tempDir,
      }, message, context);
    },
    poll: async (sink, signal) => {
      await ready();
      await pollDph({
        adapter, tokens: options.tokens, parties, ownKey: options.ownKey, clock: options.clock, ids: options.ids,
        herIds: config.herIds, receiptsEnabled: options.receiptsEnabled,
        documentTypes: {
          nhnProcess: config.nhnProcess, dialogmeldingDocumentType: config.dialogmeldingDocumentType,
          receiptProcess: config.receiptProcess, receiptDocumentType: config.receiptDocumentType,
        },
        ttlHours: config.defaultTtlHours, maxDokumentpakkeBytes: config.uploadSizeLimit + ENVELOPE_ALLOWANCE_BYTES, tempDir, log,
      }, sink, signal);
    },
    pollStatus: (conversations, signal) => pollDphStatuses({
      adapter, tokens: options.tokens, parties, concurrency: STATUS_POLL_CONCURRENCY, log,
    }, conversations, signal),
  };
}
