// The status SBD a receiving integration point sends back to the sender (api notes §4.6, transports
// notes §2.2): MOTTATT when it stored the message, LEVERT when the case system deleted it.
import { responseProcessOf, STANDARDS } from './catalogue.js';
import {
  CONVERSATION_ID_SCOPE, MESSAGE_CHANNEL_SCOPE, type Partner, type StandardBusinessDocument,
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
  const sender = partners(receiverOf(original));
  const receiver = partners(senderOf(original));
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      ...(sender ? { sender } : {}),
      ...(receiver ? { receiver } : {}),
      documentIdentification: {
        standard: STANDARDS.status,
        typeVersion: '2.0',
        instanceIdentifier: messageId,
        type: 'status',
        creationDateAndTime: formatOslo(now),
      },
      businessScope: {
        scope: [
          {
            type: CONVERSATION_ID_SCOPE,
            instanceIdentifier: conversationId,
            identifier: process,
            scopeInformation: [{ expectedResponseDateTime: formatOslo(new Date(now.getTime() + input.ttlHours * HOUR_MS)) }],
          },
          ...(channel ? [structuredClone(channel)] : []),
        ],
      },
    },
    status: { status: input.status },
  };
}
