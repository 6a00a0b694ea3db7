import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import type { ServiceRegistryClient } from '../../addressing/index.js';
import type { Clock } from '../../clock/index.js';
import type { Config } from '../../config/index.js';
import type { KeystoreEntry } from '../../crypto/index.js';
import { lazyDispatcher } from '../../http/index.js';
import type { IdGenerator } from '../../ids/index.js';
import { createLogger, type Logger } from '../../logging/index.js';
import type { Transport } from '../port.js';
import { spoolDir } from '../spool-dir.js';
import { fiksCredentials } from './credentials.js';
import { createForsendelseNotes } from './forsendelse-notes.js';
import { pollDpf } from './poll.js';
import { sendDpf } from './send.js';
import { pollDpfStatuses } from './status-poll.js';
import { createSvarInnClient } from './svarinn-client.js';
import { createSvarUtClient } from './svarut-client.js';
import { createSvarUtChecks, type SvarUtChecks } from './svarut-checks.js';

// DPF, KS FIKS (transports notes §5.4): SvarUt's SOAP service for sending, status polling there for
// LEST, and SvarInn for receiving, which the daemon runs as the `dpf-poll` job. `svarUt` holds the
// create-time checks that need SvarUt (api notes §5.2 step 12).

export interface DpfSettings {
  dpf: Pick<Config['dpf'], 'uploadSizeLimit' | 'defaultTtlHours'>;
  fiks: Pick<Config['fiks'], 'kryptert' | 'ut' | 'inn'>;
}

export interface DpfTransportOptions {
  config: DpfSettings;
  /** Our organisation number: the own SvarUt and SvarInn users belong to it. */
  orgnr: string;
  /** Our business key: signs the ASiC-E rebuilt from a SvarInn forsendelse. */
  ownKey: KeystoreEntry;
  /** `efm.fiks.keystore`: SvarInn encrypts to its certificate. */
  fiksKey: KeystoreEntry;
  /** Draws the systemIDs of the arkivmelding made from a SvarInn forsendelse (CONTRACT.md §4). */
  ids: IdGenerator;
  /** Gives the postal addresses of receiver and sender (`GET /info/{orgnr}`). */
  serviceRegistry: Pick<ServiceRegistryClient, 'info'>;
  clock: Clock;
  /**
   * The transport's own folder, kept across restarts (e.g. `<data-dir>/dpf`): the notes of sent
   * forsendelser and, in `tmp/` (emptied when the transport first runs), SvarInn downloads.
   */
  workDir: string;
  log?: Logger;
  /** Defaults to an undici Agent with SvarInn's connect timeout. */
  dispatcher?: Dispatcher;
}

export interface DpfTransport extends Transport {
  readonly svarUt: SvarUtChecks;
}

/** Room for the zip and the CMS around the files of a SvarInn forsendelse. */
const ENVELOPE_ALLOWANCE_BYTES = 16 * 1024 * 1024;

export function createDpfTransport(options: DpfTransportOptions): DpfTransport {
  const { dpf, fiks } = options.config;
  const log = (options.log ?? createLogger({ level: 'silent' })).child({ module: 'dpf' });
  const dispatcher = lazyDispatcher(fiks.inn.connectTimeout, options.dispatcher);
  const svarUt = createSvarUtClient({ endpointUrl: fiks.ut.endpointUrl, requestTimeoutMs: fiks.ut.requestTimeout, dispatcher });
  const utUsers = fiksCredentials({
    ownOrgNumber: options.orgnr, username: fiks.ut.username, password: fiks.ut.password, onBehalfOf: fiks.ut.paaVegneAv, setting: 'efm.fiks.ut.paa-vegne-av',
  });
  const innUsers = fiksCredentials({
    ownOrgNumber: options.orgnr, username: fiks.inn.username, password: fiks.inn.password, onBehalfOf: fiks.inn.paaVegneAv, setting: 'efm.fiks.inn.paa-vegne-av',
  });
  const notes = createForsendelseNotes(join(options.workDir, 'forsendelser'));
  const tempDir = join(options.workDir, 'tmp');
  const ready = spoolDir(tempDir);
  const settings = {
    maxBytes: dpf.uploadSizeLimit,
    konteringskode: fiks.ut.konteringsKode,
    kryptert: fiks.kryptert,
    kunDigitalLevering: fiks.ut.kunDigitalLevering,
    ekskluderesFraPrint: fiks.ut.ekskluderesFraPrint,
  };

  const transport: DpfTransport = {
    service: 'DPF',
    maxBytes: dpf.uploadSizeLimit,
    defaultTtlHours: dpf.defaultTtlHours,
    svarUt: createSvarUtChecks({ client: svarUt, credentials: utUsers, clock: options.clock }),
    send: (message, context) => sendDpf({ client: svarUt, credentials: utUsers, serviceRegistry: options.serviceRegistry, notes, settings }, message, context),
    pollStatus: (conversations, signal) => pollDpfStatuses({ client: svarUt, credentials: utUsers, notes, ownOrgNumber: options.orgnr, log }, conversations, signal),
  };
  if (!fiks.inn.enabled) return transport;
  const svarInn = createSvarInnClient({ baseUrl: fiks.inn.baseUrl, readTimeoutMs: fiks.inn.readTimeout, dispatcher });
  return {
    ...transport,
    poll: async (sink, signal) => {
      await ready();
      await pollDpf({
        client: svarInn,
        credentials: innUsers,
        decryptionKey: options.fiksKey,
        signer: options.ownKey,
        ids: options.ids,
        clock: options.clock,
        sbd: { process: fiks.inn.process, documentType: fiks.inn.documentType, fallbackSenderOrgNr: fiks.inn.fallbackSenderOrgNr, ttlHours: dpf.defaultTtlHours },
        tempDir,
        maxDownloadBytes: dpf.uploadSizeLimit + ENVELOPE_ALLOWANCE_BYTES,
        log,
      }, sink, signal);
    },
  };
}
