// The StandardBusinessDocument as it travels in JSON (api notes §3). Unknown members are kept as they
// are, so a document read back equals the one stored.
export interface PartnerIdentification {
  authority: string;
  value: string;
}

export interface Partner {
  identifier: PartnerIdentification;
  contactInformation?: unknown[];
  [extra: string]: unknown;
}

export interface DocumentIdentification {
  standard: string;
  typeVersion: string;
  instanceIdentifier?: string;
  type: string;
  creationDateAndTime?: string;
  multipleType?: boolean;
  [extra: string]: unknown;
}

export interface ScopeInformation {
  expectedResponseDateTime?: string;
  [extra: string]: unknown;
}

export type ScopeType = 'ConversationId' | 'SenderRef' | 'ReceiverRef' | 'JournalpostId' | 'ParentId' | 'MessageChannel';

export interface Scope {
  type: string;
  instanceIdentifier?: string;
  identifier?: string;
  scopeInformation?: ScopeInformation[];
  [extra: string]: unknown;
}

export interface StandardBusinessDocumentHeader {
  headerVersion: string;
  sender?: Partner[];
  receiver?: Partner[];
  documentIdentification: DocumentIdentification;
  businessScope: { scope: Scope[] };
  [extra: string]: unknown;
}

/** The header plus exactly one business message, keyed by `documentIdentification.type`. */
export interface StandardBusinessDocument {
  standardBusinessDocumentHeader: StandardBusinessDocumentHeader;
  [businessMessageType: string]: unknown;
}

export const CONVERSATION_ID_SCOPE = 'ConversationId';
export const MESSAGE_CHANNEL_SCOPE = 'MessageChannel';
export const ISO6523_AUTHORITY = 'iso6523-actorid-upis';
export const NHN_AUTHORITY = 'nhn-actorid';
