import { toServiceIdentifier, type Direction, type ReceiptStatus, type StandardBusinessDocument } from '../../domain/index.js';
import type {
  ConversationRecord, FileRecord, MessageRecord, MessageState, StatusRecord, Subscription, WebhookDelivery, WebhookEvent,
} from '../port.js';
import type { SqlValue } from './connection.js';

// Rows as sqlite3 returns them, and their mapping to the port's records. Times are epoch ms, booleans 0/1.

export const toMs = (date: Date): number => {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new TypeError('invalid date');
  return ms;
};
export const toMsOrNull = (date: Date | undefined): number | null => (date === undefined ? null : toMs(date));
export const orNull = (value: string | undefined): SqlValue => value ?? null;
const fromMs = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(ms));
const opt = (value: string | null): string | undefined => value ?? undefined;

function parseObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('stored JSON is not an object');
  return value as Record<string, unknown>;
}

export interface MessageRow {
  id: number;
  direction: Direction;
  message_id: string;
  conversation_id: string;
  service_identifier: string;
  process_identifier: string;
  document_type: string;
  sender_identifier: string;
  receiver_identifier: string | null;
  sbd: string;
  state: MessageState;
  locked_until: number | null;
  expiry: number | null;
  created_at: number;
  last_updated: number;
}

export function toMessage(row: MessageRow): MessageRecord {
  return {
    messageId: row.message_id,
    conversationId: row.conversation_id,
    direction: row.direction,
    serviceIdentifier: toServiceIdentifier(row.service_identifier),
    processIdentifier: row.process_identifier,
    documentType: row.document_type,
    senderIdentifier: row.sender_identifier,
    receiverIdentifier: opt(row.receiver_identifier),
    sbd: parseObject(row.sbd) as StandardBusinessDocument,
    state: row.state,
    lockedUntil: fromMs(row.locked_until),
    expiry: fromMs(row.expiry),
    createdAt: new Date(row.created_at),
    lastUpdated: new Date(row.last_updated),
  };
}

export interface StatusMessageRow {
  id: number;
  status: ReceiptStatus;
  message_id: string;
  conversation_id: string;
  service_identifier: string;
  process_identifier: string;
  document_type: string;
  sender_identifier: string;
  receiver_identifier: string | null;
  sbd: string;
  expiry: number | null;
  created_at: number;
}

/** A queued status message seen as the outgoing message it is (it has no files and no conversation). */
export function toStatusMessage(row: StatusMessageRow): MessageRecord {
  return {
    messageId: row.message_id,
    conversationId: row.conversation_id,
    direction: 'OUTGOING',
    serviceIdentifier: toServiceIdentifier(row.service_identifier),
    processIdentifier: row.process_identifier,
    documentType: row.document_type,
    senderIdentifier: row.sender_identifier,
    receiverIdentifier: opt(row.receiver_identifier),
    sbd: parseObject(row.sbd) as StandardBusinessDocument,
    state: 'QUEUED',
    lockedUntil: undefined,
    expiry: fromMs(row.expiry),
    createdAt: new Date(row.created_at),
    lastUpdated: new Date(row.created_at),
  };
}

export interface FileRow {
  identifier: string;
  message_id: string;
  direction: Direction;
  dokumentnummer: number;
  title: string | null;
  filename: string;
  mimetype: string;
  size: number;
  primary_document: number;
  created_at: number;
}

export function toFile(row: FileRow): FileRecord {
  return {
    identifier: row.identifier,
    messageId: row.message_id,
    direction: row.direction,
    dokumentnummer: row.dokumentnummer,
    title: opt(row.title),
    filename: row.filename,
    mimetype: row.mimetype,
    size: row.size,
    primaryDocument: row.primary_document === 1,
    createdAt: new Date(row.created_at),
  };
}

export interface ConversationRow {
  id: number;
  conversation_id: string;
  message_id: string;
  sender: string | null;
  sender_identifier: string | null;
  receiver: string | null;
  receiver_identifier: string | null;
  process_identifier: string;
  document_identifier: string;
  message_reference: string | null;
  message_title: string | null;
  external_system_reference: string | null;
  last_update: number;
  finished: number;
  expiry: number | null;
  direction: Direction;
  service_identifier: string;
  pollable: number;
}

export function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    sender: opt(row.sender),
    senderIdentifier: opt(row.sender_identifier),
    receiver: opt(row.receiver),
    receiverIdentifier: opt(row.receiver_identifier),
    processIdentifier: row.process_identifier,
    documentIdentifier: row.document_identifier,
    messageReference: opt(row.message_reference),
    messageTitle: opt(row.message_title),
    externalSystemReference: opt(row.external_system_reference),
    lastUpdate: new Date(row.last_update),
    finished: row.finished === 1,
    expiry: fromMs(row.expiry),
    direction: row.direction,
    serviceIdentifier: toServiceIdentifier(row.service_identifier),
    pollable: row.pollable === 1,
  };
}

export interface StatusRow {
  id: number;
  conv_id: number;
  last_update: number;
  status: ReceiptStatus;
  description: string | null;
  raw_receipt: string | null;
  conversation_id: string;
  message_id: string;
}

/** Columns of a StatusRow, for `FROM message_statuses s JOIN conversations c ON c.id = s.conv_id`. */
export const STATUS_COLUMNS =
  's.id, s.conv_id, s.last_update, s.status, s.description, s.raw_receipt, c.conversation_id, c.message_id';

export function toStatus(row: StatusRow): StatusRecord {
  return {
    id: row.id,
    convId: row.conv_id,
    lastUpdate: new Date(row.last_update),
    status: row.status,
    description: opt(row.description),
    rawReceipt: opt(row.raw_receipt),
    conversationId: row.conversation_id,
    messageId: row.message_id,
  };
}

export interface SubscriptionRow {
  id: number;
  name: string;
  push_endpoint: string;
  resource: string;
  event: string;
  filter: string | null;
  secret: string | null;
}

export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    name: row.name,
    pushEndpoint: row.push_endpoint,
    resource: row.resource,
    event: row.event,
    filter: opt(row.filter),
    secret: opt(row.secret),
  };
}

export interface WebhookEventRow {
  id: number;
  payload: string;
  created_at: number;
}

export function toWebhookEvent(row: WebhookEventRow): WebhookEvent {
  return { id: row.id, payload: parseObject(row.payload), createdAt: new Date(row.created_at) };
}

export interface WebhookDeliveryRow {
  id: number;
  event_id: number;
  subscription_id: number;
  webhook_id: string;
  payload: string;
  attempts: number;
  next_attempt_at: number;
}

export function toWebhookDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.event_id,
    subscriptionId: row.subscription_id,
    webhookId: row.webhook_id,
    payload: parseObject(row.payload),
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
  };
}
