// Turns request JSON into a StandardBusinessDocument, enforcing the envelope rules of api notes §3.1 and
// the header's bean constraints of §3.2/§5.1. Every problem is collected, so a client sees them all in
// one 400; field names, messages and codes follow Spring's binding errors as the reference reports them.
import { expectedMessageTypes, toMessageType } from './catalogue.js';
import type { FieldProblem } from './errors.js';
import { parsePartnerIdentifier, type IdentifierOptions } from './identifiers.js';
import { CONVERSATION_ID_SCOPE, ISO6523_AUTHORITY, NHN_AUTHORITY, type StandardBusinessDocument } from './sbd.js';
import { hasText } from './sbd-access.js';
import { parseDateTime } from './time.js';
import { InvalidSbdError, UnknownMessageTypeError } from './validation-errors.js';

export interface ParseOptions extends IdentifierOptions {
  /** When given, `expectedResponseDateTime` must lie after it (the reference's `@Future`). */
  now?: Date;
}

const HEADER = 'standardBusinessDocumentHeader';
const SCOPE_TYPES = ['ConversationId', 'SenderRef', 'ReceiverRef', 'JournalpostId', 'ParentId', 'MessageChannel'];
const AUTHORITIES = [ISO6523_AUTHORITY, NHN_AUTHORITY];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isAbsent = (value: unknown) => value === undefined || value === null;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Collects problems under dotted Spring-style paths. */
class Problems {
  readonly list: FieldProblem[] = [];

  add(field: string, message: string, code: string, rejectedValue?: unknown): void {
    this.list.push(rejectedValue === undefined ? { field, message, code } : { field, message, code, rejectedValue });
  }

  /** A required string: absent gives NotNull, another JSON type a binding problem. */
  string(field: string, value: unknown): value is string {
    if (isAbsent(value)) this.add(field, 'must not be null', 'NotNull');
    else if (typeof value !== 'string') this.add(field, 'must be a string', 'typeMismatch', value);
    else return true;
    return false;
  }

  object(field: string, value: unknown): value is Json {
    if (isAbsent(value)) this.add(field, 'must not be null', 'NotNull');
    else if (!isObject(value)) this.add(field, 'must be a JSON object', 'typeMismatch');
    else return true;
    return false;
  }

  optionalDateTime(field: string, value: unknown): void {
    if (isAbsent(value)) return;
    if (typeof value !== 'string' || parseDateTime(value) === undefined) {
      this.add(field, `'${String(value)}' is not a valid ISO-8601 date-time.`, 'typeMismatch', value);
    }
  }
}

const oneOf = (value: string, allowed: readonly string[]) => `'${value}' is not expected. Allowed values are: [${allowed.join(', ')}]`;

function checkPartners(p: Problems, header: Json, role: 'sender' | 'receiver', options: IdentifierOptions): void {
  const path = `${HEADER}.${role}`;
  const partners = header[role];
  if (isAbsent(partners)) return;
  if (!Array.isArray(partners)) return p.add(path, 'must be an array', 'typeMismatch');
  if (partners.length > 1) p.add(path, 'size must be between 0 and 1', 'Size', partners.length);
  partners.forEach((partner: unknown, i) => {
    const at = `${path}[${i}].identifier`;
    if (!p.object(`${path}[${i}]`, partner) || !p.object(at, partner.identifier)) return;
    const { authority, value } = partner.identifier;
    const authorityOk = p.string(`${at}.authority`, authority);
    if (authorityOk && !AUTHORITIES.includes(authority)) p.add(`${at}.authority`, oneOf(authority, AUTHORITIES), 'OneOf', authority);
    if (!p.string(`${at}.value`, value) || !authorityOk || !AUTHORITIES.includes(authority)) return;
    if (parsePartnerIdentifier(value, authority, options)) return;
    const synthetic = parsePartnerIdentifier(value, authority, { ...options, allowSynthetic: true }) !== undefined;
    p.add(`${at}.value`, synthetic
      ? 'is a synthetic (test) person number, accepted only when difi.move.identifier.synthetic.allow is true'
      : `must be a valid ${role} identifier: 0192:<orgnr>, an 11-digit fødselsnummer or D-number, or for ${NHN_AUTHORITY} her-id:<n> or fastlege-for:<fnr>`,
    'PartnerIdentifier', value);
  });
}

/** Returns the `type`, when it is a string. */
function checkDocumentIdentification(p: Problems, header: Json): string | undefined {
  const path = `${HEADER}.documentIdentification`;
  const di = header.documentIdentification;
  if (!p.object(path, di)) return undefined;
  p.string(`${path}.standard`, di.standard);
  p.string(`${path}.typeVersion`, di.typeVersion);
  if (!isAbsent(di.instanceIdentifier) && (typeof di.instanceIdentifier !== 'string' || !isUuid(di.instanceIdentifier))) {
    p.add(`${path}.instanceIdentifier`, `'${String(di.instanceIdentifier)}' is not a UUID.`, 'UUID', di.instanceIdentifier);
  }
  p.optionalDateTime(`${path}.creationDateAndTime`, di.creationDateAndTime);
  if (!p.string(`${path}.type`, di.type)) return undefined;
  if (toMessageType(di.type) === undefined) p.add(`${path}.type`, 'Must be a NextMove message type', 'MessageType', di.type);
  return di.type;
}

function checkScope(p: Problems, scope: unknown, path: string): void {
  if (!p.object(path, scope)) return;
  if (p.string(`${path}.type`, scope.type) && !SCOPE_TYPES.includes(scope.type)) {
    p.add(`${path}.type`, oneOf(scope.type, SCOPE_TYPES), 'OneOf', scope.type);
  }
  const instance = scope.instanceIdentifier;
  if (!isAbsent(instance) && typeof instance !== 'string') p.add(`${path}.instanceIdentifier`, 'must be a string', 'typeMismatch', instance);
  // An empty instanceIdentifier is filled in at create (api notes §3.5), so only a non-empty one must be a UUID.
  if (scope.type === CONVERSATION_ID_SCOPE && hasText(instance) && !isUuid(instance)) {
    p.add(`${path}.instanceIdentifier`, `'${instance}' is not a UUID.`, 'UUID', instance);
  }
  if (!isAbsent(scope.identifier) && typeof scope.identifier !== 'string') p.add(`${path}.identifier`, 'must be a string', 'typeMismatch', scope.identifier);
  const info = scope.scopeInformation;
  if (isAbsent(info)) return;
  if (!Array.isArray(info)) return p.add(`${path}.scopeInformation`, 'must be an array', 'typeMismatch');
  info.forEach((entry: unknown, j) => {
    if (p.object(`${path}.scopeInformation[${j}]`, entry)) p.optionalDateTime(`${path}.scopeInformation[${j}].expectedResponseDateTime`, entry.expectedResponseDateTime);
  });
}

function checkBusinessScope(p: Problems, header: Json, now: Date | undefined): void {
  const path = `${HEADER}.businessScope`;
  if (!p.object(path, header.businessScope)) return;
  const scopes = header.businessScope.scope;
  if (isAbsent(scopes)) return p.add(`${path}.scope`, 'must not be null', 'NotNull');
  if (!Array.isArray(scopes)) return p.add(`${path}.scope`, 'must be an array', 'typeMismatch');
  if (scopes.length === 0) return p.add(`${path}.scope`, 'must not be empty', 'NotEmpty');
  scopes.forEach((scope: unknown, i) => checkScope(p, scope, `${path}.scope[${i}]`));
  const future = now === undefined ? undefined : futureProblem(scopes, now);
  if (future) p.list.push(future);
  const at = scopes.findIndex((s: unknown) => isObject(s) && s.type === CONVERSATION_ID_SCOPE);
  // The process lives in the ConversationId scope; the reference fails later (and with a 500) without it.
  if (at < 0) return p.add(`${path}.scope`, 'must contain a ConversationId scope whose identifier is the process', 'ConversationId');
  const process: unknown = (scopes[at] as Json).identifier;
  if (!hasText(process)) p.add(`${path}.scope[${at}].identifier`, 'must name the process (a process URN) in the ConversationId scope', 'NotNull');
}

function checkBinding(p: Problems, json: Json, type: string): void {
  const name = type.toLowerCase();
  for (const key of Object.keys(json)) {
    if (key !== HEADER && key !== name) {
      p.add(key, `is not allowed: an SBD has exactly two members, ${HEADER} and the business message '${name}'`, 'SbdBinding');
    }
  }
  if (!(name in json)) p.add(name, `must hold the business message, named by documentIdentification.type`, 'NotNull');
  else if (!isObject(json[name])) p.add(name, 'must be a JSON object', 'typeMismatch');
}

function futureProblem(scopes: readonly unknown[], now: Date): FieldProblem | undefined {
  const at = scopes.findIndex((s) => isObject(s) && s.type === CONVERSATION_ID_SCOPE);
  const scope = scopes[at];
  const info: unknown = isObject(scope) && Array.isArray(scope.scopeInformation) ? scope.scopeInformation[0] : undefined;
  const text = isObject(info) ? info.expectedResponseDateTime : undefined;
  if (!hasText(text)) return undefined;
  const expiry = parseDateTime(text);
  if (expiry === undefined || expiry.getTime() > now.getTime()) return undefined;
  return {
    field: `${HEADER}.businessScope.scope[${at}].scopeInformation[0].expectedResponseDateTime`,
    message: 'must be a date in the future',
    code: 'Future',
    rejectedValue: text,
  };
}

/**
 * The reference's `@Future` on the ConversationId scope's first `expectedResponseDateTime`, or undefined
 * when it holds. Checked at parse and again by the create rules.
 */
export function expectedResponseDateTimeProblem(sbd: StandardBusinessDocument, now: Date): FieldProblem | undefined {
  return futureProblem(sbd.standardBusinessDocumentHeader.businessScope.scope, now);
}

/**
 * Checks `json` and returns it typed. Unknown members of the header objects stay as they are. Throws
 * UnknownMessageTypeError for a type that is no message type (its `problems` hold every other finding
 * too), otherwise InvalidSbdError with all problems.
 */
export function parseStandardBusinessDocument(json: unknown, options: ParseOptions = {}): StandardBusinessDocument {
  const p = new Problems();
  if (!isObject(json)) {
    p.add('', 'the request body must be a JSON object holding an SBD', 'typeMismatch');
    throw new InvalidSbdError(p.list);
  }
  const header = json[HEADER];
  if (!p.object(HEADER, header)) throw new InvalidSbdError(p.list);
  p.string(`${HEADER}.headerVersion`, header.headerVersion);
  checkPartners(p, header, 'sender', options);
  checkPartners(p, header, 'receiver', options);
  const type = checkDocumentIdentification(p, header);
  checkBusinessScope(p, header, options.now);
  if (type !== undefined) checkBinding(p, json, type);
  if (type !== undefined && toMessageType(type) === undefined) throw new UnknownMessageTypeError(type, expectedMessageTypes(), p.list);
  if (p.list.length > 0) throw new InvalidSbdError(p.list);
  return json as StandardBusinessDocument;
}
