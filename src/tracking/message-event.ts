import { formatOslo } from '../domain/index.js';
import { randomId } from '../ids/index.js';
import type { TrackingEvent, TrackingField, TrackingLevel } from './event.js';

// The AUDIT events the reference logs about a message's handling (ops notes §3.2, Audit.java and its
// callers): texts modelled on the quoted ones, markers as NextMoveMessageMarkers names them. Unlike a
// status, an audit event may happen twice for real (a message peeked and locked again), so its id is
// random; it is fixed once the event is buffered, so every resend carries it.

export interface MessageEventSubject {
  messageId: string;
  conversationId: string;
  serviceIdentifier?: string;
  processIdentifier?: string;
  /** documentIdentification.standard, the marker `documenttype_identifier`. */
  documentType?: string;
  /** Full identifiers (`0192:991825827`) and primary identifiers, as the conversation holds them. */
  sender?: string;
  senderIdentifier?: string;
  receiver?: string;
  receiverIdentifier?: string;
  /** The marker `message-type`, e.g. `arkivmelding`. */
  messageType?: string;
  journalpostId?: string;
  payloadSizeBytes?: number;
}

export type MessageEventKind =
  | { kind: 'sent'; to: string }
  | { kind: 'downloaded' }
  | { kind: 'locked'; until: Date }
  | { kind: 'deleted' }
  | { kind: 'popped' }
  | { kind: 'dead-lettered'; reason: string };

export type MessageEventInput = MessageEventKind & { at: Date; subject: MessageEventSubject };

function describe(input: MessageEventInput): { level: TrackingLevel; message: string } {
  const { messageId: id, serviceIdentifier } = input.subject;
  switch (input.kind) {
    case 'sent': return { level: 'INFO', message: `Message [id=${id}, serviceIdentifier=${serviceIdentifier ?? 'UNKNOWN'}] sent to ${input.to}` };
    case 'downloaded': return { level: 'INFO', message: `Downloaded message with id=${id}` };
    case 'locked': return { level: 'INFO', message: `Message [id=${id}] locked until ${formatOslo(input.until)}` };
    case 'deleted': return { level: 'INFO', message: `Message [id=${id}] deleted from queue` };
    case 'popped': return { level: 'INFO', message: `Pop - returning ASiC stream for message [id=${id}]` };
    case 'dead-lettered': return { level: 'ERROR', message: `Message [id=${id}] moved to the dead letter queue: ${input.reason}` };
  }
}

export function messageEvent(input: MessageEventInput): TrackingEvent {
  const s = input.subject;
  const fields: Record<string, TrackingField> = {
    correlation_id: s.messageId,
    conversation_id: s.conversationId,
    message_id: s.messageId,
    sender: s.sender ?? null,
    sender_org_number: s.senderIdentifier ?? null,
    receiver: s.receiver ?? null,
    receiver_org_number: s.receiverIdentifier ?? null,
    'message-type': s.messageType ?? null,
    process_identifier: s.processIdentifier ?? null,
    documenttype_identifier: s.documentType ?? null,
    service_identifier: s.serviceIdentifier ?? null,
    journalpost_id: s.journalpostId ?? null,
    'payload-size': s.payloadSizeBytes ?? null,
  };
  return { eventId: randomId(), logger: 'AUDIT', at: input.at, fields, ...describe(input) };
}
