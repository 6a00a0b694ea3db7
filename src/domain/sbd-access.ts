// Read access to the parts of an SBD the integration point works with (api notes §3.2). Scopes behave
// as a set in the reference, so "the" scope of a type is the first one found.
import { toMessageType, type MessageType } from './catalogue.js';
import {
  CONVERSATION_ID_SCOPE, MESSAGE_CHANNEL_SCOPE,
  type PartnerIdentification, type Scope, type StandardBusinessDocument,
} from './sbd.js';
import { parseDateTime } from './time.js';

export function hasText(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

export function scopeOf(sbd: StandardBusinessDocument, type: string): Scope | undefined {
  return sbd.standardBusinessDocumentHeader.businessScope.scope.find((s) => s.type === type);
}

export function conversationScope(sbd: StandardBusinessDocument): Scope | undefined {
  return scopeOf(sbd, CONVERSATION_ID_SCOPE);
}

/** The process URN: the ConversationId scope's `identifier`. */
export function processOf(sbd: StandardBusinessDocument): string | undefined {
  const process = conversationScope(sbd)?.identifier;
  return hasText(process) ? process : undefined;
}

export function conversationIdOf(sbd: StandardBusinessDocument): string | undefined {
  const id = conversationScope(sbd)?.instanceIdentifier;
  return hasText(id) ? id : undefined;
}

/** `documentIdentification.instanceIdentifier`. */
export function messageIdOf(sbd: StandardBusinessDocument): string | undefined {
  const id = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
  return hasText(id) ? id : undefined;
}

export function typeOf(sbd: StandardBusinessDocument): MessageType | undefined {
  return toMessageType(sbd.standardBusinessDocumentHeader.documentIdentification.type);
}

export function standardOf(sbd: StandardBusinessDocument): string {
  return sbd.standardBusinessDocumentHeader.documentIdentification.standard;
}

/** As written in the SBD; read only from the first scopeInformation of the ConversationId scope. */
export function expectedResponseDateTimeOf(sbd: StandardBusinessDocument): string | undefined {
  const value = conversationScope(sbd)?.scopeInformation?.[0]?.expectedResponseDateTime;
  return hasText(value) ? value : undefined;
}

/** The instant of `expectedResponseDateTime` (no offset means Oslo time). */
export function expiryOf(sbd: StandardBusinessDocument): Date | undefined {
  const text = expectedResponseDateTimeOf(sbd);
  return text === undefined ? undefined : parseDateTime(text);
}

/** The reference's `isExpired`: now is strictly after the expiry. */
export function isExpired(sbd: StandardBusinessDocument, now: Date): boolean {
  const expiry = expiryOf(sbd);
  return expiry !== undefined && now.getTime() > expiry.getTime();
}

/** The business message: the member named by the lowercase `type`. */
export function businessMessageOf(sbd: StandardBusinessDocument): Record<string, unknown> | undefined {
  const body = sbd[sbd.standardBusinessDocumentHeader.documentIdentification.type.toLowerCase()];
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

export function senderOf(sbd: StandardBusinessDocument): PartnerIdentification | undefined {
  return sbd.standardBusinessDocumentHeader.sender?.[0]?.identifier;
}

export function receiverOf(sbd: StandardBusinessDocument): PartnerIdentification | undefined {
  return sbd.standardBusinessDocumentHeader.receiver?.[0]?.identifier;
}

/** The DPO channel (api notes §4.8): the MessageChannel scope's `identifier`. */
export function messageChannelOf(sbd: StandardBusinessDocument): string | undefined {
  const channel = scopeOf(sbd, MESSAGE_CHANNEL_SCOPE)?.identifier;
  return hasText(channel) ? channel : undefined;
}

/** `hoveddokument` of the business message: the file name of the primary document. */
export function primaryDocumentNameOf(sbd: StandardBusinessDocument): string | undefined {
  const name = businessMessageOf(sbd)?.hoveddokument;
  return hasText(name) ? name : undefined;
}
