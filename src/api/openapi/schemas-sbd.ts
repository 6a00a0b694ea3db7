import { ISO6523_AUTHORITY, MESSAGE_TYPES, NHN_AUTHORITY, PROCESSES } from '../../domain/index.js';
import { schemaRef, type Json } from './json.js';

// The StandardBusinessDocument in JSON (api notes §3.1, §3.2). The business message is one member
// beside the header, named after `documentIdentification.type`; its shape depends on the type (§3.6),
// so it is left open here rather than pinned to schemas the daemon does not enforce by default.
const SCOPE_TYPES = ['ConversationId', 'SenderRef', 'ReceiverRef', 'JournalpostId', 'ParentId', 'MessageChannel'];
const HEADER = 'standardBusinessDocumentHeader';

const typeList = MESSAGE_TYPES.map((t) => `\`${t}\``).join(', ');

const sbd: Json = {
  type: 'object',
  description: [
    'An SBD: the header plus exactly one business message, whose member name equals',
    '`documentIdentification.type` (which in turn is the part of `documentIdentification.standard` after `::`).',
    `Known message types: ${typeList}.`,
    '`feil` has no business-message schema and cannot be sent; `status` messages are made by the integration point itself.',
  ].join(' '),
  required: [HEADER],
  minProperties: 2,
  maxProperties: 2,
  propertyNames: { enum: [HEADER, ...MESSAGE_TYPES] },
  properties: { [HEADER]: schemaRef('StandardBusinessDocumentHeader') },
  additionalProperties: schemaRef('BusinessMessage'),
  example: {
    [HEADER]: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: ISO6523_AUTHORITY, value: '0192:910077473' } }],
      receiver: [{ identifier: { authority: ISO6523_AUTHORITY, value: '0192:910075918' } }],
      documentIdentification: {
        standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding', typeVersion: '2.0',
        instanceIdentifier: 'ff88849c-e281-4809-8555-7cd54952b916', type: 'arkivmelding',
        creationDateAndTime: '2019-03-25T11:38:23+02:00',
      },
      businessScope: {
        scope: [{
          type: 'ConversationId', instanceIdentifier: '37efbd4c-413d-4e2c-bbc5-257ef4a65a45', identifier: PROCESSES.arkivmeldingAdministrasjon,
          scopeInformation: [{ expectedResponseDateTime: '2019-04-25T11:38:23+02:00' }],
        }],
      },
    },
    arkivmelding: { hoveddokument: 'before_the_law.txt' },
  },
};

const businessMessage: Json = {
  type: 'object',
  description: 'The business message of the type the header names (api notes §3.6), e.g. `{"hoveddokument":"vedtak.pdf"}` for arkivmelding. `{}` is allowed for types without required fields.',
  additionalProperties: true,
};

const header: Json = {
  type: 'object',
  required: ['headerVersion', 'documentIdentification', 'businessScope'],
  properties: {
    headerVersion: { type: 'string', example: '1.0' },
    sender: {
      type: 'array', maxItems: 1, items: schemaRef('Partner'),
      description: 'Defaults to the own organisation. Another organisation here is sent on behalf of it (`0192:<own>:<other>` after create).',
    },
    receiver: {
      type: 'array', maxItems: 1, items: schemaRef('Partner'),
      description: 'Required for everything except DPI `print` with explicit addresses.',
    },
    documentIdentification: schemaRef('DocumentIdentification'),
    businessScope: schemaRef('BusinessScope'),
  },
  additionalProperties: true,
};

const partner: Json = {
  type: 'object',
  required: ['identifier'],
  properties: {
    identifier: schemaRef('PartnerIdentification'),
    contactInformation: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
  additionalProperties: true,
};

const partnerIdentification: Json = {
  type: 'object',
  required: ['authority', 'value'],
  properties: {
    authority: { type: 'string', enum: [ISO6523_AUTHORITY, NHN_AUTHORITY] },
    value: {
      type: 'string',
      description: 'An organisation `0192:<orgnr>` (on behalf of: `0192:<own>:<other>`), an 11-digit fødselsnummer or D-number, or for DPH `her-id:<n>` / `fastlege-for:<fnr>`.',
      example: '0192:910075918',
    },
  },
};

const documentIdentification: Json = {
  type: 'object',
  required: ['standard', 'typeVersion', 'type'],
  properties: {
    standard: { type: 'string', description: 'The document type URN; must end with `::<type>`.', example: 'urn:no:difi:arkivmelding:xsd::arkivmelding' },
    typeVersion: { type: 'string', example: '2.0' },
    instanceIdentifier: { type: 'string', format: 'uuid', description: 'The messageId; generated when absent.' },
    type: { type: 'string', enum: [...MESSAGE_TYPES], description: 'The message type (read case-insensitively, written in lower case).' },
    creationDateAndTime: { type: 'string', format: 'date-time', description: 'Defaults to now.' },
    multipleType: { type: 'boolean' },
  },
  additionalProperties: true,
};

const businessScope: Json = {
  type: 'object',
  required: ['scope'],
  properties: { scope: { type: 'array', minItems: 1, items: schemaRef('Scope') } },
  additionalProperties: true,
};

const scope: Json = {
  type: 'object',
  required: ['type'],
  description: 'For `ConversationId`, `identifier` is the process URN and `instanceIdentifier` the conversationId (a UUID, generated when empty). `MessageChannel` carries the DPO channel in `identifier`.',
  properties: {
    type: { type: 'string', enum: SCOPE_TYPES },
    instanceIdentifier: { type: 'string' },
    identifier: { type: 'string', example: PROCESSES.arkivmeldingAdministrasjon },
    scopeInformation: { type: 'array', items: schemaRef('ScopeInformation') },
  },
  additionalProperties: true,
};

const scopeInformation: Json = {
  type: 'object',
  properties: {
    expectedResponseDateTime: {
      type: 'string', format: 'date-time',
      description: 'The time to live; must be in the future. Read from the first scopeInformation of the ConversationId scope; defaults to now + the service\'s TTL (24 h).',
    },
  },
  additionalProperties: true,
};

export const SBD_SCHEMAS: Record<string, Json> = {
  StandardBusinessDocument: sbd,
  StandardBusinessDocumentHeader: header,
  BusinessMessage: businessMessage,
  Partner: partner,
  PartnerIdentification: partnerIdentification,
  DocumentIdentification: documentIdentification,
  BusinessScope: businessScope,
  Scope: scope,
  ScopeInformation: scopeInformation,
};
