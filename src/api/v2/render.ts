import { formatOslo } from '../../domain/time.js';
import type { ConversationRecord, StatusRecord } from '../../store/index.js';

// JSON shapes of the reference's entities (api notes §2.8, §2.9); nulls are dropped when sent.
export function statusJson(s: StatusRecord): Record<string, unknown> {
  return {
    id: s.id,
    lastUpdate: formatOslo(s.lastUpdate),
    status: s.status,
    description: s.description,
    rawReceipt: s.rawReceipt,
    conversationId: s.conversationId,
    messageId: s.messageId,
    convId: s.convId,
  };
}

export function conversationJson(c: ConversationRecord, statuses: readonly StatusRecord[]): Record<string, unknown> {
  return {
    id: c.id,
    conversationId: c.conversationId,
    messageId: c.messageId,
    sender: c.sender,
    senderIdentifier: c.senderIdentifier,
    receiver: c.receiver,
    receiverIdentifier: c.receiverIdentifier,
    processIdentifier: c.processIdentifier,
    documentIdentifier: c.documentIdentifier,
    messageReference: c.messageReference,
    messageTitle: c.messageTitle,
    externalSystemReference: c.externalSystemReference,
    lastUpdate: formatOslo(c.lastUpdate),
    finished: c.finished,
    expiry: c.expiry ? formatOslo(c.expiry) : undefined,
    direction: c.direction,
    serviceIdentifier: c.serviceIdentifier,
    messageStatuses: statuses.map((s) => ({ id: s.id, lastUpdate: formatOslo(s.lastUpdate), status: s.status, description: s.description, rawReceipt: s.rawReceipt })),
  };
}
