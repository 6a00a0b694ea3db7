// The status SBD a receiving integration point sends back to the sender (api notes §4.6, transports
// notes §2.2): MOTTATT when it stored the message, LEVERT when the case system deleted it.
import { responseProcessOf, STANDARDS } from './catalogue.js';
import {
  CONVERSATION_ID_SCOPE, MESSAGE_CHANNEL_SCOPE, type Partner, type Scope, type StandardBusinessDocument, type StandardBusinessDocumentHeader,
} from './sbd.js';
import {
  conversationIdOf, messageIdOf, processOf, receiverOf, scopeOf, senderOf, typeOf,
} from './sbd-access.js';
import type { ReceiptStatus } from './statuses.js';
import { formatOslo } from './time.js';

export interface StatusSbdInput {
  /** The message being answered, as it arrived. */
  original: StandardBusinessDocument;
  status: Extract<ReceiptStatus, 'MOTTATT' | 'LEVERT'>;
  now: Date;
  /** The service's default time to live, which the status SBD's expectedResponseDateTime gets. */
  ttlHours: number;
}

const HOUR_MS = 3_600_000;

export interface AnswerHeaderInput {
  /** The answering party (the answered message's receiver) and the one answered, as partners. */
  sender: Partner[] | undefined;
  receiver: Partner[] | undefined;
  standard: string;
  type: string;
  messageId: string;
  conversationId: string;
  process: string;
  now: Date;
  ttlHours: number;
  extraScopes?: Scope[];
}

/**
 * The header of a message that answers another in its conversation (a status, a receipt): document
 * identification stamped now, and the ConversationId scope with the answer's own time to live.
 */
export function answerHeader(input: AnswerHeaderInput): StandardBusinessDocumentHeader {
  const { sender, receiver, now } = input;
  return {
    headerVersion: '1.0',
    ...(sender ? { sender } : {}),
    ...(receiver ? { receiver } : {}),
    documentIdentification: {
      standard: input.standard,
      typeVersion: '2.0',
      instanceIdentifier: input.messageId,
      type: input.type,
      creationDateAndTime: formatOslo(now),
    },
    businessScope: {
      scope: [
        {
          type: CONVERSATION_ID_SCOPE,
          instanceIdentifier: input.conversationId,
          identifier: input.process,
          scopeInformation: [{ expectedResponseDateTime: formatOslo(new Date(now.getTime() + input.ttlHours * HOUR_MS)) }],
        },
        ...(input.extraScopes ?? []),
      ],
    },
  };
}

const partners = (identifier: ReturnType<typeof senderOf>): Partner[] | undefined =>
  identifier ? [{ identifier: { authority: identifier.authority, value: identifier.value } }] : undefined;

/**
 * Sender and receiver swapped, the same messageId and conversationId, the status document type, the
 * family's response process and the original's MessageChannel scope. A receipt already travels in its
 * family's response process, so its status stays there. Undefined when the original lacks a messageId,
 * a conversationId or a process, since then nothing could match the answer to it.
 */
export function createStatusSbd(input: StatusSbdInput): StandardBusinessDocument | undefined {
  const { original, now } = input;
  const messageId = messageIdOf(original);
  const conversationId = conversationIdOf(original);
  const type = typeOf(original);
  const process = (type && responseProcessOf(type)) ?? processOf(original);
  if (messageId === undefined || conversationId === undefined || process === undefined) return undefined;
  const channel = scopeOf(original, MESSAGE_CHANNEL_SCOPE);
  return {
    standardBusinessDocumentHeader: answerHeader({
      sender: partners(receiverOf(original)),
      receiver: partners(senderOf(original)),
      standard: STANDARDS.status,
      type: 'status',
      messageId,
      conversationId,
      process,
      now,
      ttlHours: input.ttlHours,
      extraScopes: channel ? [structuredClone(channel)] : [],
    }),
    status: { status: input.status },
  };
}
