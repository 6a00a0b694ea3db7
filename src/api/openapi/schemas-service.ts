import { DIRECTIONS, RECEIPT_STATUSES, SERVICE_IDENTIFIERS } from '../../domain/index.js';
import { schemaRef, type Json } from './json.js';

// The error body (src/api/error-body.ts), the version list (src/api/versions.ts), the management
// answers (src/manage/router.ts) and the webhook bodies (domain/webhook-event.ts).
const fieldError: Json = {
  type: 'object',
  description: 'One binding or constraint error, as Spring writes it.',
  required: ['codes', 'defaultMessage', 'objectName', 'field', 'bindingFailure', 'code'],
  properties: {
    codes: { type: 'array', items: { type: 'string' } },
    defaultMessage: { type: 'string' },
    objectName: { type: 'string' },
    field: { type: 'string', example: 'standardBusinessDocumentHeader.documentIdentification.type' },
    rejectedValue: { description: 'The value that was refused, of any JSON type.' },
    bindingFailure: { type: 'boolean' },
    code: { type: 'string' },
  },
};

// The reference's members come first (reference clients parse them, api notes §1.3), then our stable
// `code` and the RFC 9457 problem members.
const errorBody: Json = {
  type: 'object',
  description: 'The reference\'s Spring Boot error shape with the RFC 9457 problem members beside it. Sent as application/problem+json when the client asks for it in Accept, otherwise as application/json.',
  required: ['timestamp', 'status', 'error', 'message', 'path', 'code', 'type', 'title', 'detail', 'instance'],
  properties: {
    timestamp: { type: 'string', format: 'date-time' },
    status: { type: 'integer', description: 'The HTTP status.' },
    error: { type: 'string', description: 'The status\'s reason phrase.', example: 'Bad Request' },
    exception: { type: 'string', description: 'The reference\'s exception class for this failure.', example: 'no.difi.meldingsutveksling.exceptions.ServiceNotEnabledException' },
    message: { type: 'string' },
    path: { type: 'string' },
    errors: { type: 'array', items: schemaRef('FieldError'), description: 'Present for constraint and binding errors only.' },
    description: { type: 'string', description: 'Extra text, e.g. the Service Registry\'s error.' },
    code: { type: 'string', description: 'Stable EFM_… code; decide on this, never on the message text.', example: 'EFM_SERVICE_NOT_ENABLED' },
    type: { type: 'string', format: 'uri', example: 'urn:efm:problem:efm_service_not_enabled' },
    title: { type: 'string' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    correlationId: { type: 'string', description: 'Also in the X-Correlation-Id header; quote it when reporting a problem.' },
  },
};

const apiVersions: Json = {
  type: 'object',
  required: ['versions'],
  properties: {
    versions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['major', 'version', 'status', 'paths'],
        properties: {
          major: { type: 'integer', example: 2 },
          version: { type: 'string', description: 'Semantic version of this major\'s contract.', example: '2.0.0' },
          status: { type: 'string', enum: ['current', 'deprecated'] },
          paths: { type: 'array', items: { type: 'string' }, example: ['/api', '/api/v2'] },
          sunset: { type: 'string', format: 'date-time', description: 'When a deprecated major stops being served.' },
        },
      },
    },
  },
};

const partStatus: Json = { type: 'string', enum: ['UP', 'DEGRADED', 'DOWN'] };

const health: Json = {
  type: 'object',
  required: ['status', 'components'],
  properties: {
    status: { type: 'string', enum: ['UP', 'DOWN'] },
    components: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['status'],
        properties: { status: partStatus, details: { type: 'object', additionalProperties: true } },
      },
    },
  },
};

const info: Json = {
  type: 'object',
  properties: {
    version: { type: 'string', description: 'The daemon\'s version.' },
    organisationNumber: { type: 'string' },
    enabledServices: { type: 'array', items: { type: 'string', enum: [...SERVICE_IDENTIFIERS] } },
    apiVersions: { type: 'array', items: { type: 'string' }, description: 'The API majors served.' },
    certificate: {
      type: 'object',
      properties: {
        source: { type: 'string', enum: ['configured', 'generated'] },
        notAfter: { type: 'string', description: 'The business certificate\'s expiry, as OpenSSL prints it.' },
      },
    },
  },
  additionalProperties: true,
};

const jobs: Json = {
  type: 'object',
  required: ['jobs'],
  properties: { jobs: { type: 'array', items: { type: 'string' }, example: ['webhook-delivery'] } },
};

const jobRun: Json = {
  type: 'object',
  required: ['job', 'status'],
  properties: { job: { type: 'string' }, status: { type: 'string', enum: ['completed'] } },
};

const statusEventInput: Json = {
  type: 'object',
  required: ['conversationId', 'messageId', 'direction', 'status'],
  properties: {
    conversationId: { type: 'string', minLength: 1 },
    messageId: { type: 'string', minLength: 1 },
    direction: { type: 'string', enum: [...DIRECTIONS] },
    serviceIdentifier: { type: 'string', enum: [...SERVICE_IDENTIFIERS] },
    status: { type: 'string', enum: [...RECEIPT_STATUSES] },
    description: { type: 'string' },
  },
};

const published: Json = {
  type: 'object',
  required: ['published'],
  properties: { published: { type: 'boolean', const: true } },
};

const statusEvent: Json = {
  type: 'object',
  required: ['createdTs', 'resource', 'event', 'messageId', 'conversationId', 'direction', 'serviceIdentifier', 'status'],
  properties: {
    createdTs: { type: 'string', format: 'date-time' },
    resource: { type: 'string', const: 'messages' },
    event: { type: 'string', const: 'status' },
    messageId: { type: 'string' },
    conversationId: { type: 'string' },
    direction: { type: 'string', enum: [...DIRECTIONS] },
    serviceIdentifier: { type: 'string', enum: [...SERVICE_IDENTIFIERS] },
    status: { type: 'string', enum: [...RECEIPT_STATUSES] },
    description: { type: 'string' },
  },
};

const ping: Json = {
  type: 'object',
  required: ['createdTs', 'event'],
  properties: { createdTs: { type: 'string', format: 'date-time' }, event: { type: 'string', const: 'ping' } },
};

export const SERVICE_SCHEMAS: Record<string, Json> = {
  ErrorBody: errorBody,
  FieldError: fieldError,
  ApiVersions: apiVersions,
  Health: health,
  Info: info,
  Jobs: jobs,
  JobRun: jobRun,
  StatusEventInput: statusEventInput,
  Published: published,
  StatusEvent: statusEvent,
  Ping: ping,
};
