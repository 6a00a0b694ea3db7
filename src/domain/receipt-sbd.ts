// The arkivmelding_kvittering an integration point makes up itself for services that have no receipts
// of their own (api notes §4.3, transports notes §5.2 and DPF status polling): when DPV reports an
// arkivmelding published (LEVERT) or SvarUt reports it read (LEST), a receipt with receiptType OK is put
// in our own in-queue, as if the receiver had answered, so a case system that waits for receipts gets one.
import { createHash } from 'node:crypto';
import { PROCESSES, STANDARDS } from './catalogue.js';
import { ISO6523_AUTHORITY, type StandardBusinessDocument } from './sbd.js';
import { answerHeader } from './status-sbd.js';

export interface AnsweredMessage {
  messageId: string;
  conversationId: string;
  /** Full partner identifiers as the conversation holds them (`0192:<orgnr>`). */
  sender?: string;
  receiver?: string;
}

export interface ReceiptSbdInput {
  answered: AnsweredMessage;
  now: Date;
  ttlHours: number;
}

/**
 * The receipt's messageId is derived from the answered one, so making it again (a second poll, a
 * restart) gives the same message, which the inbox then drops as a duplicate.
 */
export function syntheticReceiptMessageId(answeredMessageId: string): string {
  const hex = createHash('sha256').update(`arkivmelding_kvittering:${answeredMessageId}`).digest('hex');
  // A UUID in form (version 5 and variant bits set) from the first 16 bytes.
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** From the receiver to the sender of `answered`, in its conversation, in the arkivmelding response process. */
export function createArkivmeldingReceiptSbd(input: ReceiptSbdInput): StandardBusinessDocument {
  const { answered } = input;
  const partner = (value: string | undefined) => (value ? [{ identifier: { authority: ISO6523_AUTHORITY, value } }] : undefined);
  return {
    standardBusinessDocumentHeader: answerHeader({
      sender: partner(answered.receiver),
      receiver: partner(answered.sender),
      standard: STANDARDS.arkivmeldingKvittering,
      type: 'arkivmelding_kvittering',
      messageId: syntheticReceiptMessageId(answered.messageId),
      conversationId: answered.conversationId,
      process: PROCESSES.arkivmeldingResponse,
      now: input.now,
      ttlHours: input.ttlHours,
    }),
    arkivmelding_kvittering: { receiptType: 'OK', relatedToMessageId: answered.messageId },
  };
}
