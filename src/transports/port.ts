import type { Readable } from 'node:stream';
import type { ServiceRecord } from '../addressing/index.js';
import type { StandardBusinessDocument } from '../domain/sbd.js';
import type { ReceiptStatus, ServiceIdentifier } from '../domain/statuses.js';
import type { Logger } from '../logging/index.js';
import type { ConversationRecord, FileRecord, MessageRecord } from '../store/index.js';

// The one Transport seam (ARCHITECTURE.md "Seams"): DPO, DPV, DPI, DPF, DPE and DPH each implement it in
// a folder of their own under transports/. The engine (outbox, inbox, status polling, TTL) knows only
// this interface; adding a service is adding a folder and registering it in daemon.ts.

/** An outgoing message as the outbox hands it to a transport. */
export interface OutgoingMessage {
  message: MessageRecord;
  /** The message's files in upload order (dokumentnummer). */
  files: readonly FileRecord[];
  /** A fresh stream of a file's plain bytes (at-rest decryption already applied). */
  open(file: FileRecord): Readable;
  /** The receiver's Service Registry record for this process and document type (certificate, endpoint …). */
  record?: ServiceRecord;
}

export interface SendContext {
  signal: AbortSignal;
  log: Logger;
  /**
   * State the transport saved on an earlier attempt of this same message (e.g. the Altinn
   * fileTransferId), so a retry after a crash reuses it instead of creating a second transfer.
   */
  state: Readonly<Record<string, string>>;
  /** Durably stores transport state before an irreversible step; it comes back in `state` on retries. */
  saveState(state: Record<string, string>): Promise<void>;
}

export interface SendResult {
  /** E.g. the DPV correspondenceId or DPH message id (api notes §2.8 externalSystemReference). */
  externalSystemReference?: string;
  /**
   * Statuses to register after a successful hand-over, in order; SENDT when absent. DPF registers
   * SENDT and LEVERT together; DPV to a receipt registers SENDT, LEVERT and LEST (api notes §4.3).
   */
  statuses?: readonly { status: ReceiptStatus; description?: string }[];
  /** Whether status polling should start for this conversation (pollable). */
  startPolling?: boolean;
}

/** A message a transport fetched, before the inbox checks and stores it. */
export interface IncomingMessage {
  sbd: StandardBusinessDocument;
  /**
   * The ASiC-E as it arrived: CMS-encrypted to our certificate (DPO, DPE) or plain (rebuilt from
   * SvarInn). The inbox stores it as `asic.zip` and decrypts it on pop when `encrypted`.
   */
  asic?: { content: Readable; encrypted: boolean };
}

export type AcceptOutcome =
  /** Stored with INNKOMMENDE_MOTTATT (and a MOTTATT status sent back where the service does). */
  | 'stored'
  /** A `status` SBD: registered on the original outgoing message, nothing stored. */
  | 'status'
  /** The messageId is already known: discarded (idempotent redelivery). */
  | 'duplicate'
  /** Already past its expectedResponseDateTime: LEVETID_UTLOPT, nothing offered to the case system. */
  | 'expired'
  /** Unusable (bad SBD, corrupt ASiC): FEIL where a conversation can be named; dropped. */
  | 'rejected';

/** What a poller hands each incoming message to. Confirm at the remote side only after it resolves. */
export interface IncomingSink {
  accept(incoming: IncomingMessage, service: ServiceIdentifier): Promise<AcceptOutcome>;
  /**
   * A receipt the case system is not to see (DPH with receipts off): only what it means for the message
   * it answers is registered. Never rejects.
   */
  applyReceipt(sbd: StandardBusinessDocument, service: ServiceIdentifier): Promise<void>;
}

export interface StatusUpdate {
  status: ReceiptStatus;
  description?: string;
  rawReceipt?: string;
  /** False stops status polling for the conversation. */
  keepPolling?: boolean;
}

export interface Transport {
  readonly service: ServiceIdentifier;
  /** Largest total payload of one message (the service's upload limit). */
  readonly maxBytes: number;
  /** Default time to live in hours for messages of this service. */
  readonly defaultTtlHours: number;
  /**
   * Hands the message to the service. Throws PermanentSendError for what no retry can fix (the
   * message gets FEIL at once); any other error is retried with backoff.
   */
  send(message: OutgoingMessage, context: SendContext): Promise<SendResult>;
  /** Fetches incoming messages and hands each to the sink, confirming remotely after it is accepted. */
  poll?(sink: IncomingSink, signal: AbortSignal): Promise<void>;
  /** Asks the service for news about pollable outgoing conversations. */
  pollStatus?(conversations: readonly ConversationRecord[], signal: AbortSignal): Promise<Map<number, StatusUpdate[]>>;
}

/** A failure that no retry will fix: the message gets FEIL with this text at once. */
export class PermanentSendError extends Error {
  readonly rawReceipt?: string;
  constructor(message: string, options: { rawReceipt?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PermanentSendError';
    this.rawReceipt = options.rawReceipt;
  }
}
