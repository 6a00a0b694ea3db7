import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/index.js';
import type { FilePart } from './multipart-form.js';

// The fake correspondence API's memory: the correspondences made, found by id, by idempotentKey and by
// sendersReference, each with the states Altinn moves it through (openapi CorrespondenceStatusExt) and
// the timestamps the overview shows.

export type CorrespondenceStatus =
  | 'Initialized' | 'ReadyForPublish' | 'Published' | 'Fetched' | 'Read' | 'Replied' | 'Confirmed'
  | 'PurgedByRecipient' | 'PurgedByAltinn' | 'Archived' | 'Reserved' | 'Failed' | 'AttachmentsDownloaded';

export interface StoredAttachment {
  attachmentId: string;
  fileName: string;
  displayName?: string;
  content: Buffer;
}

export interface StoredCorrespondence {
  correspondenceId: string;
  idempotentKey: string;
  resourceId: string;
  sendersReference: string;
  recipient: string;
  /** Every text field of the upload, by the name it was sent with. */
  fields: Readonly<Record<string, string>>;
  attachments: StoredAttachment[];
  status: CorrespondenceStatus;
  statusText: string;
  created: Date;
  statusChanged: Date;
  published?: Date;
  read?: Date;
}

export interface NewCorrespondence {
  idempotentKey: string;
  resourceId: string;
  sendersReference: string;
  recipients: string[];
  fields: Record<string, string>;
  attachments: { fileName: string; displayName?: string; file: FilePart }[];
}

/** The steps an overview request moves a correspondence on when the fake advances on polling. */
const NEXT: Partial<Record<CorrespondenceStatus, CorrespondenceStatus>> = { Initialized: 'Published', Published: 'Read' };

export class CorrespondenceState {
  readonly all: StoredCorrespondence[] = [];
  readonly #usedKeys = new Set<string>();

  constructor(private readonly clock: Clock) {}

  hasKey(idempotentKey: string): boolean {
    return this.#usedKeys.has(idempotentKey.toLowerCase());
  }

  /** One correspondence per recipient, sharing the attachments, as Altinn makes them. */
  create(input: NewCorrespondence): StoredCorrespondence[] {
    this.#usedKeys.add(input.idempotentKey.toLowerCase());
    const attachments = input.attachments.map((a) => ({
      attachmentId: randomUUID(), fileName: a.fileName, displayName: a.displayName, content: a.file.content,
    }));
    const now = this.clock.now();
    const made = input.recipients.map((recipient): StoredCorrespondence => ({
      correspondenceId: randomUUID(),
      idempotentKey: input.idempotentKey,
      resourceId: input.resourceId,
      sendersReference: input.sendersReference,
      recipient,
      fields: input.fields,
      attachments,
      status: 'Initialized',
      statusText: 'Initialized',
      created: now,
      statusChanged: now,
    }));
    this.all.push(...made);
    return made;
  }

  get(correspondenceId: string): StoredCorrespondence | undefined {
    return this.all.find((c) => c.correspondenceId === correspondenceId.toLowerCase());
  }

  bySendersReference(reference: string): StoredCorrespondence[] {
    return this.all.filter((c) => c.sendersReference === reference);
  }

  setStatus(correspondence: StoredCorrespondence, status: CorrespondenceStatus): void {
    const now = this.clock.now();
    correspondence.status = status;
    correspondence.statusText = status;
    correspondence.statusChanged = now;
    if (status === 'Published') correspondence.published ??= now;
    if (status === 'Read') {
      correspondence.published ??= now;
      correspondence.read ??= now;
    }
  }

  advance(correspondence: StoredCorrespondence): void {
    const next = NEXT[correspondence.status];
    if (next !== undefined) this.setStatus(correspondence, next);
  }
}
