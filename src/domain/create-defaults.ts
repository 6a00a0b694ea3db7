// The values the integration point fills in when a message is created (api notes §3.5).
import type { IdGenerator } from '../ids/index.js';
import { NORWEGIAN_ORG_ICD, normaliseOnBehalfOf, parsePartnerIdentifier } from './identifiers.js';
import {
  CONVERSATION_ID_SCOPE, ISO6523_AUTHORITY, MESSAGE_CHANNEL_SCOPE,
  type Scope, type StandardBusinessDocument,
} from './sbd.js';
import { hasText } from './sbd-access.js';
import type { ServiceIdentifier } from './statuses.js';
import { formatOslo } from './time.js';
import { InvalidSbdError } from './validation-errors.js';

export interface CreateDefaultsOptions {
  orgNumber: string;
  now: Date;
  ids: IdGenerator;
  /** The default TTL of the resolved service (`difi.move.<service>.default-ttl-hours`). */
  defaultTtlHours: number;
  /** `difi.move.dpo.message-channel`; pass it only when the resolved service is DPO. */
  messageChannel?: string;
  serviceIdentifier?: ServiceIdentifier;
}

const HOUR_MS = 3_600_000;

function fillSender(sbd: StandardBusinessDocument, orgNumber: string): void {
  const header = sbd.standardBusinessDocumentHeader;
  const sender = header.sender?.[0];
  if (!sender) {
    header.sender = [{ identifier: { authority: ISO6523_AUTHORITY, value: `${NORWEGIAN_ORG_ICD}:${orgNumber}` } }];
    return;
  }
  const parsed = parsePartnerIdentifier(sender.identifier.value, sender.identifier.authority, { allowSynthetic: true });
  if (!parsed) return;
  // Only a rewritten sender is written back, so a bare own orgnr stays as the client wrote it.
  const normalised = normaliseOnBehalfOf(parsed, orgNumber).identifier;
  if (normalised !== parsed) sender.identifier.value = normalised.value;
}

function conversationScopeOf(sbd: StandardBusinessDocument): Scope {
  const scope = sbd.standardBusinessDocumentHeader.businessScope.scope.find((s) => s.type === CONVERSATION_ID_SCOPE);
  if (scope) return scope;
  throw new InvalidSbdError([{
    field: 'standardBusinessDocumentHeader.businessScope.scope',
    message: 'must contain a ConversationId scope whose identifier is the process',
    code: 'ConversationId',
  }]);
}

function fillExpectedResponseDateTime(scope: Scope, now: Date, ttlHours: number): void {
  const first = scope.scopeInformation?.[0];
  if (hasText(first?.expectedResponseDateTime)) return;
  const ttl = formatOslo(new Date(now.getTime() + ttlHours * HOUR_MS));
  if (first) first.expectedResponseDateTime = ttl;
  else scope.scopeInformation = [{ expectedResponseDateTime: ttl }];
}

function fillMessageChannel(sbd: StandardBusinessDocument, channel: string): void {
  const scopes = sbd.standardBusinessDocumentHeader.businessScope.scope;
  const scope = scopes.find((s) => s.type === MESSAGE_CHANNEL_SCOPE);
  if (!scope) scopes.push({ type: MESSAGE_CHANNEL_SCOPE, identifier: channel });
  else if (!hasText(scope.identifier)) scope.identifier = channel;
}

/**
 * Returns a new SBD with the create-time defaults of api notes §3.5; the given one is not changed.
 *
 * Id draws follow the reference's NextMoveOutMessageFactory, because the conformance harness pins the
 * id sequence: first every scope with an empty `instanceIdentifier`, in scope order (the reference
 * walks a set; list order is the closest stable reading), then the messageId if it is absent. No id is
 * drawn where a value is present. For DPH an empty conversation id takes the messageId instead
 * (§3.5 item 4), so the messageId is drawn first there.
 */
export function applyCreateDefaults(input: StandardBusinessDocument, options: CreateDefaultsOptions): StandardBusinessDocument {
  const sbd = structuredClone(input);
  const header = sbd.standardBusinessDocumentHeader;
  const di = header.documentIdentification;
  const conversation = conversationScopeOf(sbd);
  if (options.serviceIdentifier === 'DPH' && !hasText(conversation.instanceIdentifier)) {
    di.instanceIdentifier ??= options.ids.next();
    conversation.instanceIdentifier = di.instanceIdentifier;
  }
  for (const scope of header.businessScope.scope) {
    if (!hasText(scope.instanceIdentifier)) scope.instanceIdentifier = options.ids.next();
  }
  fillSender(sbd, options.orgNumber);
  di.instanceIdentifier ??= options.ids.next();
  di.creationDateAndTime ??= formatOslo(options.now);
  fillExpectedResponseDateTime(conversation, options.now, options.defaultTtlHours);
  if (hasText(options.messageChannel)) fillMessageChannel(sbd, options.messageChannel);
  return sbd;
}
