import { DIRECTIONS, RECEIPT_STATUSES, SERVICE_IDENTIFIERS } from '../../domain/index.js';
import { schemaRef, type Json } from './json.js';

// The JSON the next-move resources answer with (api notes §2.1, §2.8, §2.9, §2.10), as written by
// src/messages/capabilities.ts, src/api/v2/render.ts and src/messages/subscriptions.ts. Null members
// are left out of every answer (api notes §1.1), so optional here means "absent when unknown".
const dateTime = (description?: string): Json => (description ? { type: 'string', format: 'date-time', description } : { type: 'string', format: 'date-time' });
const service: Json = { type: 'string', enum: [...SERVICE_IDENTIFIERS] };
const status: Json = { type: 'string', enum: [...RECEIPT_STATUSES] };
const direction: Json = { type: 'string', enum: [...DIRECTIONS] };

const postAddress: Json = {
  type: 'object',
  description: 'Empty strings where the Service Registry has no value.',
  required: ['name', 'street', 'postalCode', 'postalArea', 'country'],
  properties: {
    name: { type: 'string' },
    street: { type: 'string' },
    postalCode: { type: 'string' },
    postalArea: { type: 'string' },
    country: { type: 'string' },
  },
};

const capability: Json = {
  type: 'object',
  required: ['serviceIdentifier', 'documentTypes'],
  properties: {
    process: { type: 'string', example: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0' },
    serviceIdentifier: service,
    documentTypes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['standard'],
        properties: {
          type: { type: 'string', description: 'The message type, when the standard names a known one.' },
          standard: { type: 'string' },
        },
      },
    },
    postAddress: { ...schemaRef('PostAddress'), description: 'DPI only.' },
    returnAddress: { ...schemaRef('PostAddress'), description: 'DPI only.' },
    digitalPostAddress: {
      type: 'object',
      description: 'DPI only: the citizen\'s digital mailbox.',
      properties: { supplier: { type: 'string', description: 'Organisation number of the mailbox provider.' }, address: { type: 'string' } },
    },
  },
};

const capabilities: Json = {
  type: 'object',
  required: ['capabilities'],
  properties: { capabilities: { type: 'array', items: schemaRef('Capability') } },
};

const conversationStatus: Json = {
  type: 'object',
  required: ['id', 'lastUpdate', 'status'],
  properties: {
    id: { type: 'integer', format: 'int64' },
    lastUpdate: dateTime(),
    status,
    description: { type: 'string' },
    rawReceipt: { type: 'string' },
  },
};

const conversation: Json = {
  type: 'object',
  required: ['id', 'conversationId', 'messageId', 'processIdentifier', 'documentIdentifier', 'lastUpdate', 'finished', 'direction', 'serviceIdentifier', 'messageStatuses'],
  properties: {
    id: { type: 'integer', format: 'int64' },
    conversationId: { type: 'string' },
    messageId: { type: 'string' },
    sender: { type: 'string', description: 'The full identifier, e.g. `0192:910077473`.' },
    senderIdentifier: { type: 'string', description: 'The on-behalf-of organisation if any, otherwise the primary id.' },
    receiver: { type: 'string' },
    receiverIdentifier: { type: 'string', description: 'The primary id (orgnr or fnr, without `0192:`).' },
    processIdentifier: { type: 'string' },
    documentIdentifier: { type: 'string' },
    messageReference: { type: 'string' },
    messageTitle: { type: 'string' },
    externalSystemReference: { type: 'string' },
    lastUpdate: dateTime(),
    finished: { type: 'boolean' },
    expiry: dateTime('The message\'s expectedResponseDateTime.'),
    direction,
    serviceIdentifier: service,
    messageStatuses: { type: 'array', items: schemaRef('ConversationStatus') },
  },
};

const messageStatus: Json = {
  type: 'object',
  required: ['id', 'lastUpdate', 'status', 'convId', 'conversationId', 'messageId'],
  properties: {
    id: { type: 'integer', format: 'int64' },
    lastUpdate: dateTime(),
    status,
    description: { type: 'string' },
    rawReceipt: { type: 'string' },
    convId: { type: 'integer', format: 'int64', description: 'The conversation\'s numeric id.' },
    conversationId: { type: 'string' },
    messageId: { type: 'string' },
  },
};

const subscriptionProperties: Json = {
  id: { type: 'integer', format: 'int64', readOnly: true },
  name: { type: 'string', minLength: 1 },
  pushEndpoint: { type: 'string', format: 'uri', description: 'An http or https URL that receives the events.' },
  resource: { type: 'string', enum: ['all', 'messages'] },
  event: { type: 'string', enum: ['all', 'status'] },
  filter: {
    type: 'string',
    description: 'Parts joined with `&`, each `key=value[,value…]`; keys `status`, `serviceIdentifier`, `direction`; values ORed, parts ANDed, case-insensitive.',
    example: 'status=FEIL,LEVETID_UTLOPT&direction=OUTGOING',
  },
  secret: {
    type: 'string', minLength: 16, writeOnly: true,
    description: 'Beyond the reference: when set, every push is signed as Standard Webhooks says (`webhook-id`, `webhook-timestamp`, `webhook-signature`). Never returned.',
  },
  signed: { type: 'boolean', readOnly: true, description: 'Present (true) when the subscription has a secret.' },
};

const subscription: Json = {
  type: 'object',
  required: ['name', 'pushEndpoint', 'resource', 'event'],
  properties: subscriptionProperties,
};

const subscriptionUpdate: Json = {
  type: 'object',
  description: 'Only the members given (and not null) change; a changed pushEndpoint is pinged.',
  properties: Object.fromEntries(Object.entries(subscriptionProperties).filter(([k]) => k !== 'id' && k !== 'signed')),
};

const validationProblem: Json = {
  type: 'object',
  required: ['code', 'message', 'severity'],
  properties: {
    code: { type: 'string', description: 'A stable EFM_… code or the reference\'s constraint name.' },
    message: { type: 'string' },
    field: { type: 'string', description: 'The JSON path or file the problem is about.' },
    severity: { type: 'string', enum: ['error', 'warning'], description: '`warning` for rules enforced only in strict mode when the daemon is not strict.' },
  },
};

const validationReport: Json = {
  type: 'object',
  required: ['valid', 'problems'],
  properties: {
    valid: { type: 'boolean', description: 'True when the message would be accepted on create, upload and send.' },
    service: { ...service, description: 'The service the receiver would get the message over.' },
    problems: { type: 'array', items: schemaRef('ValidationProblem') },
  },
};

export const RESOURCE_SCHEMAS: Record<string, Json> = {
  Capabilities: capabilities,
  Capability: capability,
  PostAddress: postAddress,
  Conversation: conversation,
  ConversationStatus: conversationStatus,
  MessageStatus: messageStatus,
  Subscription: subscription,
  SubscriptionUpdate: subscriptionUpdate,
  ValidationReport: validationReport,
  ValidationProblem: validationProblem,
};
