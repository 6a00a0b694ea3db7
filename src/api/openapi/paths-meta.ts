import { ref, schemaRef, jsonContent, jsonResponse, type Json } from './json.js';
import { operation } from './operation.js';
import { pathParam, queryParam } from './parameters.js';
import { API_HEADERS, apiErrors } from './responses.js';
import { TAG } from './tags.js';

// GET /api and GET /api/openapi.json are served by the app itself (src/api/app.ts); capabilities
// (api notes §2.1) and the validation dry run (issue 2, "Validation") by the major's router.
const versions = operation({
  operationId: 'getApiVersions', tag: TAG.versions, summary: 'List the API majors served',
  description: 'Each major is served at `/api/v<major>`; the current one also at `/api`. A deprecated major answers with `Deprecation` and `Sunset` headers for a year before it goes.',
  responses: { 200: jsonResponse('The majors served.', schemaRef('ApiVersions'), API_HEADERS), ...apiErrors(401) },
});

const openapi = operation({
  operationId: 'getOpenApiDocument', tag: TAG.versions, summary: 'This document',
  responses: {
    200: jsonResponse('The OpenAPI 3.1 document of the whole HTTP API.', { type: 'object', additionalProperties: true }, API_HEADERS),
    ...apiErrors(401),
  },
});

const capabilities = operation({
  operationId: 'getCapabilities', tag: TAG.capabilities, summary: 'What the receiver can take',
  description: 'One entry per Service Registry record: process, service and document types; DPI records also carry postal addresses and the digital mailbox.',
  parameters: [
    pathParam('receiverIdentifier', { type: 'string' }, 'An organisation number (with or without `0192:`), a fødselsnummer, or another identifier the Service Registry knows.'),
    queryParam('process', { type: 'string' }, 'Only records for this process URN.'),
    queryParam('securityLevel', { type: 'integer' }, 'The security level asked of the Service Registry (normally 3 or 4).'),
  ],
  responses: {
    200: jsonResponse('The receiver\'s capabilities.', schemaRef('Capabilities'), API_HEADERS),
    ...apiErrors(400, 401),
    404: { ...ref('responses', 'NotFound'), description: 'The Service Registry does not know the identifier.' },
    ...apiErrors(503),
  },
});

const validationMultipart: Json = {
  schema: {
    type: 'object',
    required: ['sbd'],
    properties: { sbd: schemaRef('StandardBusinessDocument') },
    additionalProperties: { type: 'string', contentMediaType: 'application/octet-stream', description: 'A file: the part name is its title, the part filename its file name.' },
  },
  encoding: { sbd: { contentType: 'application/json' } },
};

const validation = operation({
  operationId: 'validateMessage', tag: TAG.validation, summary: 'Dry-run every check on a message',
  description: [
    'Runs every check a message meets on create, upload and send — strict ones included — and reports all problems at once.',
    'Nothing is stored or sent. Send the SBD as JSON, or multipart/form-data with the part `sbd` first and then the files,',
    'which are read as they stream by and never kept. A message that fails the checks is still a 200, with `valid: false`.',
  ].join(' '),
  requestBody: {
    required: true,
    content: { ...jsonContent(schemaRef('StandardBusinessDocument')), 'multipart/form-data': validationMultipart },
  },
  responses: {
    200: jsonResponse('The report.', schemaRef('ValidationReport'), API_HEADERS),
    ...apiErrors(400, 401, 413, 503),
  },
});

export const META_PATHS: Record<string, Json> = {
  '/api': { get: versions },
  '/api/openapi.json': { get: openapi },
  '/api/capabilities/{receiverIdentifier}': { get: capabilities },
  '/api/validation': { post: validation },
};
