import type { Readable } from 'node:stream';
import type { StandardBusinessDocument } from '../domain/sbd.js';
import type { Direction, ReceiptStatus, ServiceIdentifier } from '../domain/statuses.js';

// The Store port: everything the daemon keeps. One adapter per database (sqlite/ now, postgres/ later);
// the contract suite in test/store/contract.ts runs against each. Payload files stream to and from the
// blob side and are never held whole in memory.

/** Where a message is in its life. Outgoing: DRAFT (accepts files) → QUEUED (send called). Incoming: RECEIVED. */
export type MessageState = 'DRAFT' | 'QUEUED' | 'RECEIVED';

export interface MessageRecord {
  messageId: string;
  conversationId: string;
  direction: Direction;
  serviceIdentifier: ServiceIdentifier;
  processIdentifier: string;
  /** documentIdentification.standard */
  documentType: string;
  /** Primary identifiers (orgnr without `0192:`, fnr, her-id:N); the on-behalf-of org for the sender when present. */
  senderIdentifier: string;
  receiverIdentifier?: string;
  sbd: StandardBusinessDocument;
  state: MessageState;
  /** Incoming only: the peek lock; locked while this is in the future. */
  lockedUntil?: Date;
  expiry?: Date;
  createdAt: Date;
  lastUpdated: Date;
}

export type NewMessage = Omit<MessageRecord, 'createdAt' | 'lastUpdated' | 'lockedUntil'>;

export interface FileRecord {
  /** Internal UUID of the file. */
  identifier: string;
  messageId: string;
  direction: Direction;
  /** 1, 2, … in upload order. */
  dokumentnummer: number;
  title?: string;
  filename: string;
  mimetype: string;
  size: number;
  primaryDocument: boolean;
  createdAt: Date;
}

export interface NewFile {
  title?: string;
  filename: string;
  mimetype: string;
  primaryDocument: boolean;
}

export interface AddFileOptions {
  /**
   * Upper bound in bytes for this file's content (the service limit minus what the message already
   * holds). The adapter stops reading at the limit, deletes the partial blob and throws
   * FileTooLargeError; nothing is recorded.
   */
  maxBytes: number;
  signal?: AbortSignal;
  /** When the upload happened (the Clock's now), recorded as the file's createdAt; defaults to the message's lastUpdated. */
  at?: Date;
}

export interface ConversationRecord {
  id: number;
  conversationId: string;
  messageId: string;
  sender?: string;
  senderIdentifier?: string;
  receiver?: string;
  receiverIdentifier?: string;
  processIdentifier: string;
  documentIdentifier: string;
  messageReference?: string;
  messageTitle?: string;
  externalSystemReference?: string;
  lastUpdate: Date;
  finished: boolean;
  expiry?: Date;
  direction: Direction;
  serviceIdentifier: ServiceIdentifier;
  pollable: boolean;
}

export type NewConversation = Omit<ConversationRecord, 'id' | 'lastUpdate' | 'finished' | 'pollable'> & {
  pollable?: boolean;
};

export interface StatusRecord {
  id: number;
  convId: number;
  lastUpdate: Date;
  status: ReceiptStatus;
  description?: string;
  rawReceipt?: string;
  conversationId: string;
  messageId: string;
}

export interface NewStatus {
  status: ReceiptStatus;
  description?: string;
  rawReceipt?: string;
  /** When the status happened (the Clock's now). */
  at: Date;
}

export interface Subscription {
  id: number;
  name: string;
  pushEndpoint: string;
  resource: string;
  event: string;
  filter?: string;
  /** Beyond the reference: when set, deliveries are signed (Standard Webhooks). Never returned by the API. */
  secret?: string;
}

export type NewSubscription = Omit<Subscription, 'id'>;

/** A webhook event waiting to be fanned out to the subscriptions that match it. */
export interface WebhookEvent {
  id: number;
  /** The JSON body that is pushed (api notes §2.10), already rendered. */
  payload: Record<string, unknown>;
  createdAt: Date;
}

export interface WebhookDelivery {
  id: number;
  eventId: number;
  subscriptionId: number;
  /** Stable id of this delivery, sent as `webhook-id` (the same on every retry). */
  webhookId: string;
  payload: Record<string, unknown>;
  attempts: number;
  nextAttemptAt: Date;
}

/** Which queue of the outbox an entry lives in: a queued outgoing message, or a status message. */
export type OutboxKind = 'message' | 'status';

export interface OutboxRef {
  kind: OutboxKind;
  /** The row within its queue. */
  id: number;
  messageId: string;
}

/**
 * A status SBD (MOTTATT, LEVERT) to send back to the sender of an incoming message (api notes §4.6).
 * It reuses the original messageId, and MOTTATT and LEVERT can wait side by side, so these have a
 * queue of their own: at most one per (messageId, status). They make no conversation of their own.
 */
export type NewStatusMessage = Omit<NewMessage, 'direction' | 'state'> & { status: ReceiptStatus };

export interface OutboxEntry {
  ref: OutboxRef;
  /** For a status message a record made from its row: OUTGOING, QUEUED, no files. */
  message: MessageRecord;
  /** Failed attempts so far. */
  attempts: number;
  /** What the transport saved on earlier attempts (SendContext.state). */
  transportState: Record<string, string>;
}

export interface OutboxClaim {
  /** The claiming worker: a random id per outbox instance. */
  owner: string;
  now: Date;
  /** The lease runs until now + leaseMs. */
  leaseMs: number;
  limit: number;
  /** Only entries of these services: the ones this daemon has a transport for. */
  services: readonly ServiceIdentifier[];
}

/** How an outbox entry ends: the statuses to register on its OUTGOING conversation, and what to note there. */
export interface OutboxOutcome {
  statuses: NewStatus[];
  conversation?: Partial<Pick<ConversationRecord, 'externalSystemReference' | 'pollable'>>;
}

export interface SortOrder {
  /** An entity property name as the reference exposes it (e.g. `lastUpdate`, `id`). */
  property: string;
  direction: 'asc' | 'desc';
}

export interface PageRequest {
  page: number;
  size: number;
  sort: SortOrder[];
}

export interface Page<T> {
  content: T[];
  totalElements: number;
  page: PageRequest;
}

export interface MessageFilter {
  messageId?: string;
  conversationId?: string;
  processIdentifier?: string;
  receiverIdentifier?: string;
  senderIdentifier?: string;
  serviceIdentifier?: ServiceIdentifier;
}

export interface ConversationFilter {
  messageId?: string;
  conversationId?: string;
  receiver?: string;
  receiverIdentifier?: string;
  sender?: string;
  senderIdentifier?: string;
  serviceIdentifier?: ServiceIdentifier;
  messageReference?: string;
  messageTitle?: string;
  pollable?: boolean;
  finished?: boolean;
  direction?: Direction;
  /** Inclusive bounds on lastUpdate. */
  lastUpdateFrom?: Date;
  lastUpdateTo?: Date;
}

export interface StatusFilter {
  id?: number;
  messageId?: string;
  conversationId?: string;
  status?: ReceiptStatus;
  /** Both or neither: lastUpdate BETWEEN from AND to. */
  fromDateTime?: Date;
  toDateTime?: Date;
}

export interface StatusChange {
  status: StatusRecord;
  conversation: ConversationRecord;
}

export interface AddStatusOptions {
  /** Put the status on the `/api/statuses/peek` queue (the service is in statusQueueIncludes). */
  enqueue?: boolean;
  /** Also record a webhook event for it (default true). */
  webhookEvent?: boolean;
}

export interface Store {
  // --- lifecycle
  /** Cheap liveness probe for /manage/health. */
  ping(): Promise<void>;
  close(): Promise<void>;

  // --- messages (outgoing drafts and queued sends, incoming in-queue)
  /**
   * Creates the message and its conversation (or reuses the conversation row for the same messageId and
   * direction), registering the given first statuses (as addStatus does, with `options` for each), in
   * one transaction. The first status's `at` is the creation time, so at least one status is required.
   * Throws MessageAlreadyExistsError when the (direction, messageId) message exists.
   */
  createMessage(message: NewMessage, conversation: NewConversation, statuses: NewStatus[], options?: AddStatusOptions): Promise<StatusChange[]>;
  findMessage(direction: Direction, messageId: string): Promise<MessageRecord | undefined>;
  listMessages(direction: Direction, filter: MessageFilter, page: PageRequest): Promise<Page<MessageRecord>>;
  /** Replaces the SBD and/or the state; refreshes lastUpdated. Returns false when the message is gone. */
  updateMessage(direction: Direction, messageId: string, patch: { sbd?: StandardBusinessDocument; state?: MessageState }, at: Date): Promise<boolean>;
  /** Deletes the message, its files and their blobs. Returns false when it did not exist. */
  deleteMessage(direction: Direction, messageId: string): Promise<boolean>;
  /**
   * Incoming peek: atomically locks the oldest unlocked (or lock-expired) RECEIVED message that matches
   * the filter until `lockUntil`, and returns it. Undefined when there is none.
   */
  lockNextIncoming(filter: MessageFilter & { process?: string }, now: Date, lockUntil: Date): Promise<MessageRecord | undefined>;

  // --- files
  /** Streams `content` to a new blob, then records it. Throws DuplicateFilenameError / FileTooLargeError. */
  addFile(direction: Direction, messageId: string, file: NewFile, content: Readable, options: AddFileOptions): Promise<FileRecord>;
  listFiles(direction: Direction, messageId: string): Promise<FileRecord[]>;
  /** A fresh read stream of the file's bytes. */
  openFile(file: FileRecord): Readable;

  // --- conversations and statuses
  /** Used by messages created outside createMessage (e.g. a status published for an unknown message). */
  ensureConversation(conversation: NewConversation, at: Date): Promise<ConversationRecord>;
  findConversationById(id: number): Promise<ConversationRecord | undefined>;
  findConversationByMessageId(messageId: string, direction?: Direction): Promise<ConversationRecord | undefined>;
  listConversations(filter: ConversationFilter, page: PageRequest): Promise<Page<ConversationRecord>>;
  /** Statuses of the given conversations, id ascending, keyed by conversation id. */
  statusesOf(convIds: number[]): Promise<Map<number, StatusRecord[]>>;
  updateConversation(id: number, patch: Partial<Pick<ConversationRecord, 'messageReference' | 'messageTitle' | 'externalSystemReference' | 'pollable' | 'expiry'>>): Promise<void>;
  deleteConversation(id: number): Promise<void>;
  deleteConversationByMessageId(messageId: string): Promise<void>;
  /**
   * Registers a status on the conversation of (messageId, direction). Each status is stored at most once
   * per conversation: a repeat returns undefined and changes nothing. Applies effectOfStatus (finished,
   * pollable), refreshes lastUpdate and, in the same transaction, records the webhook event and the
   * status-queue entry. Throws NotFoundError when the conversation does not exist.
   */
  addStatus(messageId: string, direction: Direction, status: NewStatus, options?: AddStatusOptions): Promise<StatusChange | undefined>;
  listStatuses(filter: StatusFilter, page: PageRequest): Promise<Page<StatusRecord>>;
  /** Oldest entry of the status queue, without removing it. */
  peekStatusQueue(): Promise<StatusRecord | undefined>;
  /** Removes the status from the queue; false when it was not queued. */
  removeFromStatusQueue(statusId: number): Promise<boolean>;

  // --- webhook subscriptions
  createSubscription(subscription: NewSubscription): Promise<Subscription>;
  findSubscription(id: number): Promise<Subscription | undefined>;
  findSubscriptionByNameAndEndpoint(name: string, pushEndpoint: string): Promise<Subscription | undefined>;
  listSubscriptions(page: PageRequest): Promise<Page<Subscription>>;
  allSubscriptions(): Promise<Subscription[]>;
  updateSubscription(id: number, patch: Partial<NewSubscription>): Promise<Subscription | undefined>;
  deleteSubscription(id: number): Promise<boolean>;
  deleteAllSubscriptions(): Promise<void>;

  // --- webhook delivery outbox (durable across restarts)
  /** Records an event to push; used by addStatus and by the /manage/webhooks/publish hook. */
  addWebhookEvent(payload: Record<string, unknown>, at: Date): Promise<WebhookEvent>;
  /** Events not yet fanned out, oldest first. */
  pendingWebhookEvents(limit: number): Promise<WebhookEvent[]>;
  /** In one transaction: creates one delivery per subscription id and marks the event fanned out. */
  fanOutWebhookEvent(eventId: number, deliveries: { subscriptionId: number; webhookId: string }[], at: Date): Promise<void>;
  /** Deliveries whose nextAttemptAt ≤ now, oldest first. */
  dueWebhookDeliveries(now: Date, limit: number): Promise<WebhookDelivery[]>;
  /** Earliest nextAttemptAt of any pending delivery, to schedule the next wake-up. */
  nextWebhookDeliveryAt(): Promise<Date | undefined>;
  completeWebhookDelivery(id: number): Promise<void>;
  /** Records a failed attempt; `retryAt` undefined gives up (the delivery is dropped and logged by the caller). */
  failWebhookDelivery(id: number, error: string, retryAt: Date | undefined): Promise<void>;

  // --- outbox (durable across restarts; see OutboxEntry)
  /** Queues a status message to send back; false when the same (messageId, status) is already waiting. */
  queueStatusMessage(message: NewStatusMessage, at: Date): Promise<boolean>;
  /**
   * Atomically leases up to `limit` due entries to `owner`: QUEUED outgoing messages and status messages
   * whose nextAttemptAt has come and that no live lease holds. A lease that has run out, or that lies
   * more than two lease periods ahead (the clock was set back), counts as free. Oldest first, status
   * messages and messages taking turns so that neither starves the other.
   */
  claimOutbox(claim: OutboxClaim): Promise<OutboxEntry[]>;
  /** Extends every lease `owner` holds to `leaseUntil`. */
  renewOutboxLeases(owner: string, leaseUntil: Date): Promise<void>;
  /** Replaces the entry's transport state, only while `owner` holds its lease; false otherwise. */
  saveOutboxState(ref: OutboxRef, owner: string, state: Record<string, string>): Promise<boolean>;
  /** Records a failed attempt and frees the lease, only while `owner` holds it; false otherwise. */
  retryOutbox(ref: OutboxRef, owner: string, failure: { error: string; nextAttemptAt: Date }): Promise<boolean>;
  /**
   * Ends the entry in one transaction: notes the outcome on the OUTGOING conversation of its messageId
   * (when there is one), registers the statuses there (as addStatus does, with `options`), and removes
   * the entry (a message with its files). Returns the recorded changes; empty when the entry was gone.
   */
  finishOutbox(ref: OutboxRef, outcome: OutboxOutcome, options?: AddStatusOptions): Promise<StatusChange[]>;
  /** When the next entry of these services comes due (its retry time or its lease's end), to time a wake-up. */
  nextOutboxDueAt(services: readonly ServiceIdentifier[]): Promise<Date | undefined>;

  // --- jobs
  /** Unfinished conversations whose expiry is before `now`, with id > afterId, by id. */
  listExpiredConversations(now: Date, afterId: number, limit: number): Promise<ConversationRecord[]>;
  /** OUTGOING conversations of the service that are pollable, with id > afterId, by id. */
  listPollableConversations(service: ServiceIdentifier, afterId: number, limit: number): Promise<ConversationRecord[]>;
}

/**
 * Optional at-rest protection of payload blobs (the reference's cryptoMessagePersister): each call
 * returns a fresh streaming transform. Implemented in crypto/ (CMS to our own certificate) and handed to
 * the adapter by the composition root.
 */
export interface BlobCipher {
  encrypt(): import('node:stream').Transform;
  decrypt(): import('node:stream').Transform;
}
