import { ValidationError } from '../domain/index.js';
import type { SortOrder } from './port.js';

// Sort properties are the reference's entity field names (api notes §1.2), whitelisted per entity and
// mapped to columns; nothing from a request reaches SQL text unchecked. The column names are those of
// the shared schema, so every SQL adapter can use these maps.

export interface SortableEntity {
  /** The reference's entity name, used in the error message as Spring words it. */
  name: string;
  /** property → SQL column expression */
  columns: Readonly<Record<string, string>>;
  /** Appended last so that equal keys still page stably. */
  tiebreak: string;
}

export const MESSAGE_SORT: SortableEntity = {
  name: 'NextMoveMessage',
  columns: {
    id: 'm.id',
    messageId: 'm.message_id',
    conversationId: 'm.conversation_id',
    processIdentifier: 'm.process_identifier',
    receiverIdentifier: 'm.receiver_identifier',
    senderIdentifier: 'm.sender_identifier',
    serviceIdentifier: 'm.service_identifier',
    createdAt: 'm.created_at',
    lastUpdated: 'm.last_updated',
    expiry: 'm.expiry',
  },
  tiebreak: 'm.id',
};

export const CONVERSATION_SORT: SortableEntity = {
  name: 'Conversation',
  columns: {
    id: 'c.id',
    conversationId: 'c.conversation_id',
    messageId: 'c.message_id',
    sender: 'c.sender',
    senderIdentifier: 'c.sender_identifier',
    receiver: 'c.receiver',
    receiverIdentifier: 'c.receiver_identifier',
    processIdentifier: 'c.process_identifier',
    documentIdentifier: 'c.document_identifier',
    messageReference: 'c.message_reference',
    messageTitle: 'c.message_title',
    externalSystemReference: 'c.external_system_reference',
    lastUpdate: 'c.last_update',
    finished: 'c.finished',
    expiry: 'c.expiry',
    direction: 'c.direction',
    serviceIdentifier: 'c.service_identifier',
    pollable: 'c.pollable',
  },
  tiebreak: 'c.id',
};

export const STATUS_SORT: SortableEntity = {
  name: 'MessageStatus',
  columns: { id: 's.id', lastUpdate: 's.last_update', status: 's.status' },
  tiebreak: 's.id',
};

export const SUBSCRIPTION_SORT: SortableEntity = {
  name: 'Subscription',
  columns: { id: 'w.id', name: 'w.name', pushEndpoint: 'w.push_endpoint', resource: 'w.resource', event: 'w.event' },
  tiebreak: 'w.id',
};

export class InvalidSortError extends ValidationError {
  constructor(property: string, entity: string) {
    super(`No property '${property}' found for type '${entity}'`, {
      code: 'EFM_INVALID_SORT',
      exception: 'org.springframework.data.mapping.PropertyReferenceException',
      problems: [{ field: 'sort', message: `Unknown sort property '${property}'`, code: 'EFM_INVALID_SORT', rejectedValue: property }],
    });
  }
}

/** The ORDER BY list (without the keywords) for the requested orders; throws InvalidSortError. */
export function orderByClause(sort: readonly SortOrder[], entity: SortableEntity): string {
  const terms = sort.map((order) => {
    const column = Object.hasOwn(entity.columns, order.property) ? entity.columns[order.property] : undefined;
    if (column === undefined) throw new InvalidSortError(order.property, entity.name);
    return `${column} ${order.direction === 'desc' ? 'DESC' : 'ASC'}`;
  });
  if (!sort.some((order) => entity.columns[order.property] === entity.tiebreak)) terms.push(`${entity.tiebreak} ASC`);
  return terms.join(', ');
}
