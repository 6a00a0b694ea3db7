import type { Readable } from 'node:stream';
import type { Clock } from '../clock/index.js';
import {
  FileTooLargeError, MessageAlreadyExistsError, MessageNotFoundError, ValidationError,
} from '../domain/errors.js';
import { checkCombinedSize, isFormatChecked, maxFileSizeExceededMessage, remainingUploadBytes } from '../domain/file-rules.js';
import { TTL_EXPIRED_DESCRIPTION } from '../domain/statuses.js';
import { TimeToLiveExpiredError } from '../domain/validation-errors.js';
import type { StandardBusinessDocument } from '../domain/sbd.js';
import type { ServiceIdentifier } from '../domain/statuses.js';
import type { IdGenerator } from '../ids/index.js';
import type { Logger } from '../logging/index.js';
import type { FileRecord, MessageFilter, MessageRecord, Page, PageRequest, Store } from '../store/index.js';
import type { ServiceResolver } from './service-resolver.js';
import type { StatusRegistry } from './status-registry.js';
import type { OutgoingRules } from './outgoing-rules.js';
import { formatGate } from './format-gate.js';

// The outgoing half of the next-move API (api notes §2.2–§2.6): create a draft from an SBD, stream its
// files in, and send it. Sending hands the message to the outbox (QUEUED); a transport picks it up.
export interface OutgoingSettings {
  orgNumber: string;
  uploadLimitBytes: (service: ServiceIdentifier) => number;
  allowedFormats: (service: ServiceIdentifier) => readonly string[];
}

export interface OutgoingOptions {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  resolver: ServiceResolver;
  statuses: StatusRegistry;
  rules: OutgoingRules;
  settings: OutgoingSettings;
  log: Logger;
  /** Wakes the outbox after a message is queued. */
  onQueued: (messageId: string) => void;
}

export interface Upload {
  filename: string;
  title?: string;
  mimetype: string;
  content: Readable;
  /** Content-Length when the client sent one: lets a too-large upload be refused before reading. */
  declaredLength?: number;
}

export class MessageAlreadySentError extends ValidationError {
  constructor(messageId: string) {
    super(`Message with messageId = ${messageId} has already been sent and can no longer be changed`, { code: 'EFM_MESSAGE_ALREADY_SENT' });
  }
}

export class OutgoingMessages {
  constructor(private readonly o: OutgoingOptions) {}

  /** O1: validates, resolves the service, fills in defaults and stores the draft with OPPRETTET. */
  async create(body: unknown): Promise<StandardBusinessDocument> {
    const now = this.o.clock.now();
    const parsed = this.o.rules.parse(body, now);
    const resolution = await this.o.resolver.resolve(parsed);
    const prepared = this.o.rules.prepareForCreate(parsed, resolution, now);
    await this.o.rules.checkForsendelseType(prepared.message.sbd, resolution.service);
    await this.rejectReusedMessageId(prepared.message);
    await this.o.rules.checkCertificate(resolution.service);
    // OPPRETTET is a registration like any other (api notes §4.2): webhook event and, for the services
    // in statusQueueIncludes, the status queue.
    const changes = await this.o.store.createMessage(prepared.message, prepared.conversation, [{ status: 'OPPRETTET', at: now }], this.o.statuses.optionsFor(resolution.service));
    for (const change of changes) this.o.statuses.announce(change);
    return prepared.message.sbd;
  }

  /** A messageId is globally unique: not reused by a draft nor by any conversation (api notes §5.2 steps 4–5). */
  private async rejectReusedMessageId(message: Pick<MessageRecord, 'messageId' | 'sbd'>): Promise<void> {
    if (await this.o.store.findMessage('OUTGOING', message.messageId)) throw new MessageAlreadyExistsError(message.messageId);
    if (this.o.rules.isStatusMessage(message.sbd)) return;
    if (await this.o.store.findConversationByMessageId(message.messageId)) throw new MessageAlreadyExistsError(message.messageId);
  }

  async get(messageId: string): Promise<MessageRecord> {
    const m = await this.o.store.findMessage('OUTGOING', messageId);
    if (!m) throw new MessageNotFoundError(messageId);
    return m;
  }

  list(filter: MessageFilter, page: PageRequest): Promise<Page<MessageRecord>> {
    return this.o.store.listMessages('OUTGOING', filter, page);
  }

  /** O7: deletes the draft and its files; the conversation stays. Unknown ids are fine, as the reference. */
  async remove(messageId: string): Promise<void> {
    await this.o.store.deleteMessage('OUTGOING', messageId);
  }

  /** O2: streams one file into the draft, refusing it as soon as it breaks a rule or the size limit. */
  async upload(messageId: string, upload: Upload): Promise<FileRecord> {
    const message = await this.draft(messageId);
    const files = await this.o.store.listFiles('OUTGOING', messageId);
    const checked = this.o.rules.checkUpload(message, files, upload);
    const service = message.serviceIdentifier;
    const limitBytes = this.o.settings.uploadLimitBytes(service);
    const remaining = remainingUploadBytes(files, limitBytes);
    if (upload.declaredLength !== undefined) {
      checkCombinedSize({ existingFiles: files, addedBytes: upload.declaredLength, serviceIdentifier: service, limitBytes });
    }
    const gated = isFormatChecked(service, checked.primaryDocument)
      ? formatGate(upload.content, { filename: checked.filename, allowed: this.o.settings.allowedFormats(service) })
      : upload.content;
    let file: FileRecord;
    try {
      file = await this.o.store.addFile('OUTGOING', messageId, {
        filename: checked.filename, title: checked.title, mimetype: checked.mimetype, primaryDocument: checked.primaryDocument,
      }, gated, { maxBytes: remaining });
    } catch (err) {
      // The stream passed the limit: the total is unknown, only that it is over.
      if (err instanceof FileTooLargeError) throw new FileTooLargeError(limitBytes, maxFileSizeExceededMessage(limitBytes + 1, service, limitBytes));
      throw err;
    }
    const names = await this.o.rules.afterUpload(message, file, (f) => this.o.store.openFile(f));
    if (names) await this.nameConversation(messageId, names);
    return file;
  }

  /** O3: the send-time checks, then hand-over to the outbox. */
  async send(messageId: string): Promise<void> {
    const message = await this.draft(messageId);
    await this.o.rules.checkCertificate(message.serviceIdentifier);
    const files = await this.o.store.listFiles('OUTGOING', messageId);
    try {
      await this.o.rules.checkSend(message, files, this.o.clock.now(), (file) => this.o.store.openFile(file));
    } catch (err) {
      // An expired message is given up for good (api notes §4.5): the status first, then the 400.
      if (err instanceof TimeToLiveExpiredError) {
        await this.o.statuses.register(messageId, 'OUTGOING', message.serviceIdentifier, 'LEVETID_UTLOPT', { description: TTL_EXPIRED_DESCRIPTION });
      }
      throw err;
    }
    if (!(await this.o.store.updateMessage('OUTGOING', messageId, { state: 'QUEUED' }, this.o.clock.now()))) throw new MessageNotFoundError(messageId);
    this.o.log.info({ messageId, conversationId: message.conversationId, serviceIdentifier: message.serviceIdentifier, direction: 'OUTGOING' }, 'message queued for sending');
    this.o.onQueued(messageId);
  }

  /** Undoes a create whose one-shot multipart request failed, so the client can retry with the same ids. */
  async discard(messageId: string): Promise<void> {
    await this.o.store.deleteMessage('OUTGOING', messageId);
    await this.o.store.deleteConversationByMessageId(messageId);
  }

  private async nameConversation(messageId: string, names: { messageTitle?: string; messageReference?: string }): Promise<void> {
    const conversation = await this.o.store.findConversationByMessageId(messageId, 'OUTGOING');
    if (!conversation) return;
    const patch: { messageTitle?: string; messageReference?: string } = {};
    if (names.messageTitle) patch.messageTitle = names.messageTitle;
    if (names.messageReference) patch.messageReference = names.messageReference;
    if (Object.keys(patch).length > 0) await this.o.store.updateConversation(conversation.id, patch);
  }

  private async draft(messageId: string): Promise<MessageRecord> {
    const message = await this.get(messageId);
    if (message.state !== 'DRAFT') throw new MessageAlreadySentError(messageId);
    return message;
  }
}
