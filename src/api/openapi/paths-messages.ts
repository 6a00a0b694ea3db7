import { SERVICE_IDENTIFIERS } from '../../domain/index.js';
import { ref, schemaRef, emptyResponse, jsonContent, jsonResponse, type Json } from './json.js';
import { operation } from './operation.js';
import { PAGING, queryParam } from './parameters.js';
import { API_HEADERS, apiErrors } from './responses.js';
import { TAG } from './tags.js';

// Outgoing (api notes §2.2–§2.6) and incoming (§2.7) messages. The filters differ on purpose, as in
// the reference: outgoing filters on `processIdentifier`, incoming on `process`.
const messageId = ref('parameters', 'messageId');
const sbd = schemaRef('StandardBusinessDocument');
const ok = (description: string) => emptyResponse(description, API_HEADERS);
const notFound = (description: string) => ({ ...ref('responses', 'NotFound'), description });

const service = queryParam('serviceIdentifier', { type: 'string', enum: [...SERVICE_IDENTIFIERS] });
const common = [
  queryParam('messageId', { type: 'string' }),
  queryParam('conversationId', { type: 'string' }),
  queryParam('receiverIdentifier', { type: 'string' }, 'The primary id: an organisation number without `0192:`, or a fødselsnummer.'),
  queryParam('senderIdentifier', { type: 'string' }, 'The on-behalf-of organisation if any, otherwise the primary id.'),
  service,
];
const outFilters = [...common, queryParam('processIdentifier', { type: 'string' })];
const inFilters = [...common, queryParam('process', { type: 'string' })];

const createMessage = operation({
  operationId: 'createMessage', tag: TAG.outgoing, summary: 'Create an outgoing message (step 1 of 3)',
  description: 'Validates the SBD, asks the Service Registry which service the receiver takes for the process, fills in defaults (sender, ids, creation time, expectedResponseDateTime) and stores a draft with status OPPRETTET. Upload the files next, then send.',
  requestBody: { required: true, content: jsonContent(sbd) },
  responses: { 200: jsonResponse('The SBD as stored, with defaults filled in.', sbd, API_HEADERS), ...apiErrors(400, 401, 413, 503) },
});

const listOutgoing = operation({
  operationId: 'listOutgoingMessages', tag: TAG.outgoing, summary: 'List outgoing messages not yet sent',
  parameters: [...outFilters, ...PAGING],
  responses: { 200: jsonResponse('A page of SBDs.', schemaRef('StandardBusinessDocumentPage'), API_HEADERS), ...apiErrors(400, 401) },
});

const multipart: Json = {
  schema: {
    type: 'object',
    required: ['sbd'],
    properties: { sbd: sbd },
    additionalProperties: {
      type: 'string', contentMediaType: 'application/octet-stream',
      description: 'One attachment per part: the part name is the title, the part filename the file name in the ASiC, the part Content-Type the MIME type. At most 5 MiB each.',
    },
  },
  encoding: { sbd: { contentType: 'application/json' } },
};

const sendMultipart = operation({
  operationId: 'sendMultipartMessage', tag: TAG.outgoing, summary: 'Create, fill and send in one request',
  description: 'For small machine-to-machine messages: the part `sbd` (a field or a JSON file part) plus one file part per attachment. Does create, every upload and send; if any step fails, nothing is kept.',
  requestBody: { required: true, content: { 'multipart/form-data': multipart } },
  responses: { 200: jsonResponse('The SBD as stored and sent.', sbd, API_HEADERS), ...apiErrors(400, 401, 503) },
});

const getOutgoing = operation({
  operationId: 'getOutgoingMessage', tag: TAG.outgoing, summary: 'One outgoing message not yet sent',
  parameters: [messageId],
  responses: { 200: jsonResponse('The SBD.', sbd, API_HEADERS), ...apiErrors(401), 404: notFound('No such message, or it has been sent already.') },
});

const binary: Json = { schema: { type: 'string', contentMediaType: 'application/octet-stream' } };

const uploadFile = operation({
  operationId: 'uploadFile', tag: TAG.outgoing, summary: 'Add a file to an outgoing message (step 2 of 3)',
  description: 'The raw bytes, streamed. Content-Type is the file\'s MIME type (derived from the file name when it is empty or application/octet-stream). Upload arkivmelding.xml before the files it names. Size, name and format rules of the receiver\'s service apply while the bytes stream in.',
  parameters: [
    messageId,
    {
      name: 'Content-Disposition', in: 'header', required: true,
      description: 'RFC 6266: `attachment; name=<title>; filename=<file name>`; `name*`/`filename*` (RFC 5987) for non-ASCII names.',
      schema: { type: 'string', example: 'attachment; name="Vedtak"; filename="vedtak.pdf"' },
    },
    queryParam('title', { type: 'string' }, 'The document title; overrides `name` of Content-Disposition.'),
  ],
  requestBody: { required: true, content: { 'application/octet-stream': binary, '*/*': binary } },
  responses: { 200: ok('The file is stored.'), ...apiErrors(400, 401), 404: notFound('No such message.') },
});

const sendMessage = operation({
  operationId: 'sendMessage', tag: TAG.outgoing, summary: 'Send an outgoing message (step 3 of 3)',
  description: 'Runs the send-time checks and queues the message; delivery is asynchronous, follow it through statuses or webhooks. An expired message gets LEVETID_UTLOPT and a 400.',
  parameters: [messageId],
  responses: {
    200: ok('Queued for sending.'), ...apiErrors(400, 401),
    404: notFound('No such message, or (for `digital`) a file named in `metadataFiler` was not uploaded.'),
  },
});

const deleteOutgoing = operation({
  operationId: 'deleteOutgoingMessage', tag: TAG.outgoing, summary: 'Delete an outgoing draft and its files',
  description: 'Answers 200 whether or not the message exists. The conversation stays.',
  parameters: [messageId],
  responses: { 200: ok('Deleted (or there was nothing to delete).'), ...apiErrors(401) },
});

const listIncoming = operation({
  operationId: 'listIncomingMessages', tag: TAG.incoming, summary: 'List incoming messages not yet deleted',
  parameters: [...inFilters, ...PAGING],
  responses: { 200: jsonResponse('A page of SBDs.', schemaRef('StandardBusinessDocumentPage'), API_HEADERS), ...apiErrors(400, 401) },
});

const peek = operation({
  operationId: 'peekIncomingMessage', tag: TAG.incoming, summary: 'Lock and return the oldest incoming message',
  description: 'Locks the oldest unlocked message matching the filters (FIFO) for a few minutes and returns its SBD; the lock expires by itself. Filter on `process` or `serviceIdentifier` to let several consumers share one daemon.',
  parameters: inFilters,
  responses: { 200: jsonResponse('The locked message\'s SBD.', sbd, API_HEADERS), 204: ref('responses', 'NoContent'), ...apiErrors(400, 401) },
});

const pop = operation({
  operationId: 'popIncomingMessage', tag: TAG.incoming, summary: 'Download a locked message\'s content',
  description: 'The decrypted ASiC-E: the documents, manifest.xml and a signature. Receipts have no content and answer 204.',
  parameters: [messageId],
  responses: {
    200: {
      description: 'The ASiC-E zip.',
      headers: {
        ...API_HEADERS,
        'Content-Disposition': { description: 'Always `attachment; filename=asic.zip`.', schema: { type: 'string' } },
      },
      content: { 'application/vnd.etsi.asic-e+zip': binary },
    },
    204: ref('responses', 'NoContent'),
    400: { ...ref('responses', 'BadRequest'), description: 'The message is not locked: peek it first.' },
    ...apiErrors(401),
    404: notFound('No such incoming message.'),
  },
});

const deleteIncoming = operation({
  operationId: 'deleteIncomingMessage', tag: TAG.incoming, summary: 'Finish a locked incoming message',
  description: 'Deletes the message and its content, registers INNKOMMENDE_LEVERT and, for DPO and DPE, sends LEVERT back to the sender.',
  parameters: [messageId],
  responses: {
    200: jsonResponse('The deleted message\'s SBD.', sbd, API_HEADERS),
    400: { ...ref('responses', 'BadRequest'), description: 'The message is not locked: peek it first.' },
    ...apiErrors(401),
    404: notFound('No such incoming message.'),
  },
});

export const MESSAGE_PATHS: Record<string, Json> = {
  '/api/messages/out': { get: listOutgoing, post: createMessage },
  '/api/messages/out/multipart': { post: sendMultipart },
  '/api/messages/out/{messageId}': { get: getOutgoing, put: uploadFile, post: sendMessage, delete: deleteOutgoing },
  '/api/messages/in': { get: listIncoming },
  '/api/messages/in/peek': { get: peek },
  '/api/messages/in/pop/{messageId}': { get: pop },
  '/api/messages/in/{messageId}': { delete: deleteIncoming },
};
