import type { StatusChange } from '../store/index.js';
import type { TrackingEvent } from './event.js';
import { nameBasedEventId } from './event-id.js';

/**
 * The STATUS event the reference logs each time a status is added to a conversation (ops notes §3.2,
 * Conversation.addMessageStatus). Fields hold the values as stored; person numbers are hashed when
 * the event is recorded, the one place every event passes on its way out.
 */
export function statusChangeEvent(change: StatusChange): TrackingEvent {
  const { conversation: c, status: s } = change;
  return {
    eventId: nameBasedEventId('STATUS', c.direction, c.messageId, s.status, s.id),
    logger: 'STATUS',
    level: 'INFO',
    at: s.lastUpdate,
    message: `Message [id=${c.messageId}] updated with status "${s.status}"`,
    fields: {
      correlation_id: c.messageId,
      conversation_id: c.conversationId,
      message_id: c.messageId,
      sender: c.sender ?? null,
      sender_org_number: c.senderIdentifier ?? null,
      receiver: c.receiver ?? null,
      receiver_org_number: c.receiverIdentifier ?? null,
      process_identifier: c.processIdentifier,
      document_identifier: c.documentIdentifier,
      service_identifier: c.serviceIdentifier,
      direction: c.direction,
      status: s.status,
      description: s.description ?? null,
    },
  };
}
