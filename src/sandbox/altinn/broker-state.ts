import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/index.js';

// The fake broker's file transfers (openapi/altinn-broker-v1.json; transports notes §8.2): Initialized →
// UploadStarted → Published (or Failed), each recipient Initialized → DownloadStarted → DownloadConfirmed,
// and AllConfirmedDownloaded once every recipient has confirmed. Lists answer as the real broker's query
// does: for a recipient status only the caller's own, newest first, at most 100.

export type FileTransferStatus = 'Initialized' | 'UploadStarted' | 'UploadProcessing' | 'Published' | 'Cancelled' | 'AllConfirmedDownloaded' | 'Purged' | 'Failed';
export type RecipientStatus = 'Initialized' | 'DownloadStarted' | 'DownloadConfirmed';

const LIST_LIMIT = 100;
const TIME_TO_LIVE_MS = 30 * 24 * 60 * 60 * 1000;

export interface RecipientState {
  recipient: string;
  status: RecipientStatus;
  changed: Date;
}

export interface FileTransfer {
  fileTransferId: string;
  resourceId: string;
  fileName: string;
  sendersFileTransferReference: string | null;
  sender: string;
  recipients: RecipientState[];
  propertyList: Record<string, string>;
  checksum: string | null;
  status: FileTransferStatus;
  statusChanged: Date;
  created: Date;
  size: number;
  /** Where the uploaded bytes are, while the broker keeps them. */
  path?: string;
  history: { status: FileTransferStatus; at: Date }[];
}

export interface NewFileTransfer {
  resourceId: string;
  fileName: string;
  sendersFileTransferReference: string | null;
  sender: string;
  recipients: string[];
  propertyList: Record<string, string>;
  checksum: string | null;
}

export interface ListQuery {
  resourceId: string;
  status?: FileTransferStatus;
  recipientStatus?: RecipientStatus;
}

export class BrokerState {
  readonly #transfers = new Map<string, FileTransfer>();
  /** Creation order, so transfers made within one clock tick still list newest first. */
  readonly #order: string[] = [];

  constructor(private readonly clock: Clock) {}

  create(request: NewFileTransfer): FileTransfer {
    const now = this.clock.now();
    const transfer: FileTransfer = {
      fileTransferId: randomUUID(),
      ...request,
      recipients: request.recipients.map((recipient) => ({ recipient, status: 'Initialized', changed: now })),
      status: 'Initialized',
      statusChanged: now,
      created: now,
      size: 0,
      history: [{ status: 'Initialized', at: now }],
    };
    this.#transfers.set(transfer.fileTransferId, transfer);
    this.#order.push(transfer.fileTransferId);
    return transfer;
  }

  get(id: string): FileTransfer | undefined {
    return this.#transfers.get(id);
  }

  all(): FileTransfer[] {
    return this.#order.map((id) => this.#transfers.get(id)).filter((t): t is FileTransfer => t !== undefined);
  }

  setStatus(transfer: FileTransfer, status: FileTransferStatus): void {
    const now = this.clock.now();
    transfer.status = status;
    transfer.statusChanged = now;
    transfer.history.push({ status, at: now });
  }

  setRecipientStatus(transfer: FileTransfer, recipient: string, status: RecipientStatus): void {
    const state = transfer.recipients.find((r) => r.recipient === recipient);
    if (state === undefined) return;
    state.status = status;
    state.changed = this.clock.now();
  }

  list(caller: string, query: ListQuery): string[] {
    const matching = this.all().filter((t) => {
      if (t.resourceId !== query.resourceId) return false;
      if (query.status !== undefined && t.status !== query.status) return false;
      const own = t.recipients.find((r) => r.recipient === caller);
      if (query.recipientStatus !== undefined) return own?.status === query.recipientStatus;
      return own !== undefined || t.sender === caller;
    });
    return matching.reverse().slice(0, LIST_LIMIT).map((t) => t.fileTransferId);
  }

  expirationOf(transfer: FileTransfer): Date {
    return new Date(transfer.created.getTime() + TIME_TO_LIVE_MS);
  }
}
