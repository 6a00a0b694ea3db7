import { CONVERSATION_ID_SCOPE, formatOslo, NHN_AUTHORITY, type StandardBusinessDocument } from '../../domain/index.js';

// The application receipt (dialogmelding_kvittering) the integration point writes itself (transports notes
// §5.6 receive): OK for a dialogmelding it took when the case system does not answer receipts
// (`difi.move.feature.enable-receipts=false`), REJECTED with a code and text for one it could not take.
// As in the reference, it goes from the HER id that received to the one that sent, in the conversation
// the incoming message's businessDocumentId names, and relates to the adapter's id of that message.

export interface ApplicationReceiptInput {
  /** The new receipt's messageId. */
  messageId: string;
  /** Our HER id, which received the message. */
  fromHerId: number;
  /** The HER id that sent it. */
  toHerId: number;
  conversationId: string;
  relatedToMessageId: string;
  status: 'OK' | 'REJECTED';
  messages?: readonly { code: string; text: string }[];
  /** `efm.dph.receipt-process` and `efm.dph.receipt-document-type`. */
  process: string;
  documentType: string;
  now: Date;
  ttlHours: number;
}

const HOUR_MS = 3_600_000;
const TYPE = 'dialogmelding_kvittering';

export function applicationReceiptSbd(input: ApplicationReceiptInput): StandardBusinessDocument {
  const { now } = input;
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: NHN_AUTHORITY, value: `her-id:${input.fromHerId}` } }],
      receiver: [{ identifier: { authority: NHN_AUTHORITY, value: `her-id:${input.toHerId}` } }],
      documentIdentification: {
        standard: input.documentType,
        typeVersion: '2.0',
        instanceIdentifier: input.messageId,
        type: TYPE,
        creationDateAndTime: formatOslo(now),
      },
      businessScope: {
        scope: [{
          type: CONVERSATION_ID_SCOPE,
          instanceIdentifier: input.conversationId,
          identifier: input.process,
          scopeInformation: [{ expectedResponseDateTime: formatOslo(new Date(now.getTime() + input.ttlHours * HOUR_MS)) }],
        }],
      },
    },
    [TYPE]: {
      relatedToMessageId: input.relatedToMessageId,
      status: input.status,
      messages: (input.messages ?? []).map((m) => ({ code: m.code, text: m.text })),
    },
  };
}
