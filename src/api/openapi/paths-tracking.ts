import { DIRECTIONS, RECEIPT_STATUSES, SERVICE_IDENTIFIERS } from '../../domain/index.js';
import { ref, schemaRef, emptyResponse, jsonResponse, type Json } from './json.js';
import { operation } from './operation.js';
import { PAGING, numericIdParam, queryParam } from './parameters.js';
import { API_HEADERS, apiErrors } from './responses.js';
import { TAG } from './tags.js';

// Conversations (api notes §2.8) and message statuses (§2.9). Single conversation lookups see
// OUTGOING conversations only, as in the reference.
const ok = (description: string) => emptyResponse(description, API_HEADERS);
const notFound = (description: string) => ({ ...ref('responses', 'NotFound'), description });
const conversationPage = jsonResponse('A page of conversations, each with its statuses.', schemaRef('ConversationPage'), API_HEADERS);

const bool = { type: 'boolean' };
const conversationFilters = (withPollable: boolean): Json[] => [
  queryParam('messageId', { type: 'string' }),
  queryParam('conversationId', { type: 'string' }),
  queryParam('receiver', { type: 'string' }, 'The full identifier, e.g. `0192:910075918`.'),
  queryParam('receiverIdentifier', { type: 'string' }, 'The primary id, e.g. `910075918`.'),
  queryParam('sender', { type: 'string' }),
  queryParam('senderIdentifier', { type: 'string' }),
  queryParam('serviceIdentifier', { type: 'string', enum: [...SERVICE_IDENTIFIERS] }),
  queryParam('messageReference', { type: 'string' }),
  queryParam('messageTitle', { type: 'string' }),
  ...(withPollable ? [queryParam('pollable', bool)] : []),
  queryParam('finished', bool),
  queryParam('direction', { type: 'string', enum: [...DIRECTIONS] }),
  queryParam('lastUpdateFrom', { type: 'string', format: 'date' }, 'From the start of this day, Oslo time (inclusive).'),
  queryParam('lastUpdateTo', { type: 'string', format: 'date' }, 'To the end of this day, Oslo time (inclusive).'),
];

const conversationId = numericIdParam('id', 'The conversation\'s numeric id.');
const conversationMessageId = ref('parameters', 'messageId');

const listConversations = operation({
  operationId: 'listConversations', tag: TAG.conversations, summary: 'Search conversations',
  description: 'Sorted by `lastUpdate,desc` unless `sort` says otherwise.',
  parameters: [...conversationFilters(true), ...PAGING],
  responses: { 200: conversationPage, ...apiErrors(400, 401) },
});

const queue = operation({
  operationId: 'listPollableConversations', tag: TAG.conversations, summary: 'Conversations whose status is still being polled',
  parameters: [...conversationFilters(false), ...PAGING],
  responses: { 200: conversationPage, ...apiErrors(400, 401) },
});

const conversation = jsonResponse('The conversation with its statuses.', schemaRef('Conversation'), API_HEADERS);

const getConversation = operation({
  operationId: 'getConversation', tag: TAG.conversations, summary: 'One outgoing conversation by its numeric id',
  parameters: [conversationId],
  responses: { 200: conversation, ...apiErrors(400, 401), 404: notFound('No such outgoing conversation.') },
});

const deleteConversation = operation({
  operationId: 'deleteConversation', tag: TAG.conversations, summary: 'Delete a conversation by its numeric id',
  description: 'Answers 200 whether or not it exists.',
  parameters: [conversationId],
  responses: { 200: ok('Deleted (or there was nothing to delete).'), ...apiErrors(400, 401) },
});

const getByMessageId = operation({
  operationId: 'getConversationByMessageId', tag: TAG.conversations, summary: 'One outgoing conversation by messageId',
  parameters: [conversationMessageId],
  responses: { 200: conversation, ...apiErrors(401), 404: notFound('No outgoing conversation for that messageId.') },
});

const deleteByMessageId = operation({
  operationId: 'deleteConversationByMessageId', tag: TAG.conversations, summary: 'Delete a conversation by messageId',
  description: 'Answers 200 whether or not it exists.',
  parameters: [conversationMessageId],
  responses: { 200: ok('Deleted (or there was nothing to delete).'), ...apiErrors(401) },
});

const statusPage = jsonResponse('A page of statuses.', schemaRef('MessageStatusPage'), API_HEADERS);

const listStatuses = operation({
  operationId: 'listStatuses', tag: TAG.statuses, summary: 'Search statuses',
  description: 'Sorted by `id,asc` unless `sort` says otherwise. `fromDateTime` and `toDateTime` go together: give both or neither.',
  parameters: [
    queryParam('id', { type: 'integer', format: 'int64' }),
    queryParam('messageId', { type: 'string' }),
    queryParam('conversationId', { type: 'string' }),
    queryParam('status', { type: 'string', enum: [...RECEIPT_STATUSES] }),
    queryParam('fromDateTime', { type: 'string', format: 'date-time' }, '`lastUpdate` from (inclusive).'),
    queryParam('toDateTime', { type: 'string', format: 'date-time' }, '`lastUpdate` to (inclusive).'),
    ...PAGING,
  ],
  responses: { 200: statusPage, ...apiErrors(400, 401) },
});

const peekStatus = operation({
  operationId: 'peekStatus', tag: TAG.statuses, summary: 'The oldest status in the status queue',
  description: 'Returns the head of the queue without removing it; remove it with DELETE /api/statuses/{id}. Only services listed in the status-queue setting are queued. The queue does not suit several clients sharing one daemon.',
  responses: { 200: jsonResponse('The status at the head of the queue.', schemaRef('MessageStatus'), API_HEADERS), 204: ref('responses', 'NoContent'), ...apiErrors(401) },
});

// `/statuses/:messageId` (GET) and `/statuses/:id` (DELETE) are one path template to OpenAPI, which
// forbids two templates that differ only in parameter names; each operation says what its `id` is.
const statusesOfMessage = operation({
  operationId: 'listStatusesOfMessage', tag: TAG.statuses, summary: 'The statuses of one message',
  description: 'An unknown messageId gives an empty page. Sorted by `id,asc` unless `sort` says otherwise.',
  parameters: [{ name: 'id', in: 'path', required: true, description: 'The messageId.', schema: { type: 'string' } }, ...PAGING],
  responses: { 200: statusPage, ...apiErrors(400, 401) },
});

const deleteQueuedStatus = operation({
  operationId: 'deleteQueuedStatus', tag: TAG.statuses, summary: 'Remove a status from the status queue',
  parameters: [numericIdParam('id', 'The status\'s numeric id.')],
  responses: { 200: ok('Removed from the queue.'), ...apiErrors(400, 401), 404: notFound('That status is not in the queue.') },
});

export const TRACKING_PATHS: Record<string, Json> = {
  '/api/conversations': { get: listConversations },
  '/api/conversations/queue': { get: queue },
  '/api/conversations/{id}': { get: getConversation, delete: deleteConversation },
  '/api/conversations/messageId/{messageId}': { get: getByMessageId, delete: deleteByMessageId },
  '/api/statuses': { get: listStatuses },
  '/api/statuses/peek': { get: peekStatus },
  '/api/statuses/{id}': { get: statusesOfMessage, delete: deleteQueuedStatus },
};
