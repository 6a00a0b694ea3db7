import { randomUUID } from 'node:crypto';
import type { ReceiptStatus } from '../../../src/domain/index.js';
import type { ConversationRecord, StatusChange } from '../../../src/store/index.js';

// A status change as the store hands it to the status registry, with everything overridable.
export function aStatusChange(o: { status?: ReceiptStatus; statusId?: number; description?: string; at?: Date; conversation?: Partial<ConversationRecord> } = {}): StatusChange {
  const messageId = o.conversation?.messageId ?? randomUUID();
  const at = o.at ?? new Date('2026-05-04T08:15:30.123Z');
  const conversation: ConversationRecord = {
    id: 7,
    conversationId: randomUUID(),
    messageId,
    sender: '0192:991825827',
    senderIdentifier: '991825827',
    receiver: '0192:987654321',
    receiverIdentifier: '987654321',
    processIdentifier: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
    documentIdentifier: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
    lastUpdate: at,
    finished: false,
    direction: 'OUTGOING',
    serviceIdentifier: 'DPO',
    pollable: true,
    ...o.conversation,
  };
  return {
    conversation,
    status: {
      id: o.statusId ?? 1,
      convId: conversation.id,
      lastUpdate: at,
      status: o.status ?? 'SENDT',
      ...(o.description === undefined ? {} : { description: o.description }),
      conversationId: conversation.conversationId,
      messageId,
    },
  };
}
