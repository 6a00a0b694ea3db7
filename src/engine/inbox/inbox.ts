import { Readable } from 'node:stream';
import type { Clock } from '../../clock/index.js';
import {
  ASIC_MIMETYPE, CmsDecryptionError, CmsFormatError, CmsUnsupportedAlgorithmError, decryptCms, type KeystoreEntry,
} from '../../crypto/index.js';
import {
  businessMessageOf, conversationIdOf, FileTooLargeError, isExpired, isReceiptStatus, MessageAlreadyExistsError, MessageNotFoundError, messageIdOf,
  TTL_EXPIRED_DESCRIPTION, typeOf, type ServiceIdentifier, type StandardBusinessDocument,
} from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import { ASIC_FILENAME } from '../../messages/incoming.js';
import type { StatusRegistry } from '../../messages/status-registry.js';
import type { MessageRecord, NewMessage, Store } from '../../store/index.js';
import type { AcceptOutcome, IncomingMessage, IncomingSink } from '../../transports/index.js';
import { incomingRecords } from './incoming-records.js';
import { statusReceiptReader } from './receipts.js';
import type { StatusReplies } from './status-replies.js';

// Where every poller hands what it fetched (the reference's NextMoveQueue.enqueueIncomingMessage,
// transports notes §2.2, api notes §4.4), in its order: an expired message gets LEVETID_UTLOPT and is
// dropped; a status SBD becomes a status on our original outgoing message; a known messageId is a
// duplicate; anything else is stored for the case system (OPPRETTET, INNKOMMENDE_MOTTATT) and answered
// with MOTTATT where the service does that.
//
// Unlike the reference we decrypt the CMS while storing (the store's at-rest cipher protects the
// plain ASiC-E on disk): a corrupt CMS is caught here, while the transport can still refuse it, and
// pop simply streams the stored file. The message is a DRAFT, invisible to peek, until its ASiC-E is
// complete; a DRAFT found later is what a crash left half-stored, and is stored again.

export type InboxStore = Pick<Store,
  'findMessage' | 'findConversationByMessageId' | 'createMessage' | 'addFile' | 'updateMessage' | 'deleteMessage' | 'ensureConversation'>;

export interface InboxOptions {
  store: InboxStore;
  clock: Clock;
  statuses: Pick<StatusRegistry, 'register' | 'optionsFor' | 'announce'>;
  replies: StatusReplies;
  /** Our business key: the peers encrypt to its certificate. */
  ownKey: KeystoreEntry;
  /** Upper bound of a stored ASiC-E, against a peer that never stops sending. */
  maxAsicBytes: number;
  log: Logger;
}

export class Inbox implements IncomingSink {
  /** Messages being stored by this process right now, so a second poll of the same one is a duplicate. */
  private readonly storing = new Set<string>();

  constructor(private readonly o: InboxOptions) {}

  async accept(incoming: IncomingMessage, service: ServiceIdentifier): Promise<AcceptOutcome> {
    try {
      return await this.handle(incoming, service);
    } finally {
      // Whatever was not read (a dropped message's ASiC-E) is released back to the transport.
      incoming.asic?.content.destroy();
    }
  }

  async applyReceipt(sbd: StandardBusinessDocument, service: ServiceIdentifier): Promise<void> {
    const log = this.o.log.child({ messageId: messageIdOf(sbd), serviceIdentifier: service, direction: 'INCOMING' });
    try {
      await this.receiptStatus(sbd, service, log);
    } catch (err) {
      log.error({ err }, 'the receipt\'s status could not be registered');
    }
  }

  /** After the case system deleted an incoming message (I4): LEVERT back to its sender. Never rejects. */
  async onDelivered(message: MessageRecord): Promise<void> {
    try {
      await this.o.replies.queue(message, 'LEVERT');
    } catch (err) {
      this.o.log.error({ err, messageId: message.messageId }, 'LEVERT could not be queued for the sender');
    }
  }

  private async handle(incoming: IncomingMessage, service: ServiceIdentifier): Promise<AcceptOutcome> {
    const { sbd } = incoming;
    const messageId = messageIdOf(sbd);
    const conversationId = conversationIdOf(sbd);
    if (messageId === undefined || conversationId === undefined) {
      this.o.log.warn({ serviceIdentifier: service }, 'incoming message without messageId or conversationId; dropped');
      return 'rejected';
    }
    const log = this.o.log.child({ messageId, conversationId, serviceIdentifier: service, direction: 'INCOMING' });
    const isStatus = typeOf(sbd) === 'status';
    if (isExpired(sbd, this.o.clock.now())) return isStatus ? this.expiredStatus(log) : this.expired(sbd, service, log);
    if (isStatus) return this.statusMessage(sbd, messageId, log);
    if (this.storing.has(messageId)) return 'duplicate';
    this.storing.add(messageId);
    try {
      return await this.store(incoming, service, messageId, log);
    } finally {
      this.storing.delete(messageId);
    }
  }

  /**
   * The conversation is made (or found) so that our case system can see why the message never came:
   * OPPRETTET then LEVETID_UTLOPT (the nextmove_receive_dpo_ttl_expired acceptance feature).
   */
  private async expired(sbd: StandardBusinessDocument, service: ServiceIdentifier, log: Logger): Promise<AcceptOutcome> {
    const { conversation } = incomingRecords(sbd, service);
    const existing = await this.o.store.findConversationByMessageId(conversation.messageId, 'INCOMING');
    if (existing?.finished) return 'duplicate';
    await this.o.store.deleteMessage('INCOMING', conversation.messageId);
    await this.o.store.ensureConversation(conversation, this.o.clock.now());
    await this.o.statuses.register(conversation.messageId, 'INCOMING', service, 'OPPRETTET');
    await this.o.statuses.register(conversation.messageId, 'INCOMING', service, 'LEVETID_UTLOPT', { description: TTL_EXPIRED_DESCRIPTION });
    log.info('incoming message had expired; dropped');
    return 'expired';
  }

  // An answer to a message whose time is up changes nothing; the reference would make an INCOMING
  // conversation carrying our own outgoing messageId for it, which helps no one.
  private expiredStatus(log: Logger): AcceptOutcome {
    log.info('incoming status message had expired; dropped');
    return 'expired';
  }

  private async statusMessage(sbd: StandardBusinessDocument, messageId: string, log: Logger): Promise<AcceptOutcome> {
    const body = businessMessageOf(sbd)?.status;
    if (typeof body !== 'string' || !isReceiptStatus(body)) {
      log.warn('incoming status message without a known status; dropped');
      return 'rejected';
    }
    const original = await this.o.store.findConversationByMessageId(messageId, 'OUTGOING');
    if (!original) {
      log.warn({ status: body }, 'status for a message this integration point did not send; dropped');
      return 'status';
    }
    await this.o.statuses.register(messageId, 'OUTGOING', original.serviceIdentifier, body);
    return 'status';
  }

  private async store(incoming: IncomingMessage, service: ServiceIdentifier, messageId: string, log: Logger): Promise<AcceptOutcome> {
    const existing = await this.o.store.findMessage('INCOMING', messageId);
    if (existing && existing.state !== 'DRAFT') return 'duplicate';
    if (existing) {
      log.info('incoming message was half stored before; storing it again');
      await this.o.store.deleteMessage('INCOMING', messageId);
    } else if (await this.o.store.findConversationByMessageId(messageId, 'INCOMING')) {
      return 'duplicate';
    }
    const records = incomingRecords(incoming.sbd, service);
    try {
      const changes = await this.o.store.createMessage(records.message, records.conversation, [{ status: 'OPPRETTET', at: this.o.clock.now() }], this.o.statuses.optionsFor(service));
      for (const change of changes) this.o.statuses.announce(change);
    } catch (err) {
      if (err instanceof MessageAlreadyExistsError) return 'duplicate';
      throw err;
    }
    if (incoming.asic) {
      const stored = await this.storeAsic(messageId, incoming.asic, service, log);
      if (stored !== undefined) return stored;
    }
    await this.afterStored(incoming.sbd, records.message, log);
    if (!(await this.o.store.updateMessage('INCOMING', messageId, { state: 'RECEIVED' }, this.o.clock.now()))) return 'duplicate';
    log.info('incoming message stored');
    return 'stored';
  }

  /** Stores the ASiC-E; an outcome when the message ends here instead, undefined when all went well. */
  private async storeAsic(messageId: string, asic: NonNullable<IncomingMessage['asic']>, service: ServiceIdentifier, log: Logger): Promise<AcceptOutcome | undefined> {
    const content = asic.encrypted ? decrypting(asic.content, this.o.ownKey) : asic.content;
    try {
      await this.o.store.addFile('INCOMING', messageId, { filename: ASIC_FILENAME, mimetype: ASIC_MIMETYPE, primaryDocument: false }, content, { maxBytes: this.o.maxAsicBytes, at: this.o.clock.now() });
      return undefined;
    } catch (err) {
      // Another worker found our DRAFT, took it for a crash's leftover and stores the message itself.
      if (err instanceof MessageNotFoundError) return 'duplicate';
      if (!isUnacceptable(err)) throw err;
      await this.o.store.deleteMessage('INCOMING', messageId);
      await this.o.statuses.register(messageId, 'INCOMING', service, 'FEIL', { description: err.message });
      log.warn({ err }, 'incoming message cannot be stored; rejected');
      return 'rejected';
    }
  }

  /** The message is complete: what it means for our outgoing messages, the answer to its sender, INNKOMMENDE_MOTTATT. */
  private async afterStored(sbd: StandardBusinessDocument, message: NewMessage, log: Logger): Promise<void> {
    const service = message.serviceIdentifier;
    // transports notes §5.1 step 5 and §5.6: receipts over DPO and DPH change the message they answer;
    // DPV and DPF receipts are made up here (api notes §4.3) and must not mark the message read.
    await this.receiptStatus(sbd, service, log);
    // Queued before INNKOMMENDE_MOTTATT and RECEIVED: a crash in between leaves a DRAFT, stored again on
    // redelivery, and the queue keeps one MOTTATT per message however often that happens.
    await this.o.replies.queue(message, 'MOTTATT');
    await this.o.statuses.register(message.messageId, 'INCOMING', service, 'INNKOMMENDE_MOTTATT');
  }

  private async receiptStatus(sbd: StandardBusinessDocument, service: ServiceIdentifier, log: Logger): Promise<void> {
    const read = statusReceiptReader(sbd, service);
    if (read === undefined) return;
    const type = typeOf(sbd);
    const effect = read(sbd);
    if (!effect) {
      log.warn({ type }, 'receipt without relatedToMessageId or a known status; stored, no status changed');
      return;
    }
    const original = await this.o.store.findConversationByMessageId(effect.relatedToMessageId, 'OUTGOING');
    if (!original) {
      log.warn({ type, relatedToMessageId: effect.relatedToMessageId }, 'receipt for a message this integration point did not send');
      return;
    }
    await this.o.statuses.register(effect.relatedToMessageId, 'OUTGOING', original.serviceIdentifier, effect.status, effect.details);
  }
}

/** What no redelivery can fix: a CMS we cannot open, or an ASiC-E past the size bound. */
function isUnacceptable(err: unknown): err is Error {
  return err instanceof CmsFormatError || err instanceof CmsDecryptionError || err instanceof CmsUnsupportedAlgorithmError
    || err instanceof FileTooLargeError;
}

/**
 * The plain ASiC-E out of the CMS stream. Pulled, not piped: nothing is read (and no error raised)
 * before the store is ready to write, and an error of the source fails the result too.
 */
function decrypting(source: Readable, key: KeystoreEntry): Readable {
  return Readable.from(decryptCms(source, key), { objectMode: false });
}
