import type { Direction, ReceiptStatus, ServiceIdentifier } from './statuses.js';
import { formatOslo } from './time.js';

// The body pushed to subscribers for every registered status (api notes §2.10). Nulls are left out, as
// the reference's Jackson setup does (api notes §1.1).

export interface StatusEventConversation {
  messageId: string;
  conversationId: string;
  direction: Direction;
  serviceIdentifier: ServiceIdentifier;
}

export interface StatusEventStatus {
  status: ReceiptStatus;
  description?: string | null;
  lastUpdate: Date;
}

export type StatusEventPayload = {
  createdTs: string;
  resource: 'messages';
  event: 'status';
  messageId: string;
  conversationId: string;
  direction: Direction;
  serviceIdentifier: ServiceIdentifier;
  status: ReceiptStatus;
  description?: string;
};

export function statusEventPayload(conversation: StatusEventConversation, status: StatusEventStatus): StatusEventPayload {
  const payload: StatusEventPayload = {
    createdTs: formatOslo(status.lastUpdate),
    resource: 'messages',
    event: 'status',
    messageId: conversation.messageId,
    conversationId: conversation.conversationId,
    direction: conversation.direction,
    serviceIdentifier: conversation.serviceIdentifier,
    status: status.status,
  };
  if (status.description !== undefined && status.description !== null) payload.description = status.description;
  return payload;
}
