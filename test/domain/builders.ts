// Small builders for SBDs in tests: a valid arkivmelding by default, changed with overrides.
import type { StandardBusinessDocument } from '../../src/domain/index.js';

export const OWN_ORG = '910077473';
export const OTHER_ORG = '910075918';
export const CONVERSATION_ID = '37efbd4c-413d-4e2c-bbc5-000000000001';
export const MESSAGE_ID = 'ff88849c-e281-4809-8555-7cd54952b001';
export const PLAN_PROCESS = 'urn:no:difi:profile:arkivmelding:planByggOgGeodata:ver1.0';
export const ARKIVMELDING_STANDARD = 'urn:no:difi:arkivmelding:xsd::arkivmelding';

export interface SbdSpec {
  conversationId?: string | null;
  messageId?: string | null;
  creationDateAndTime?: string | null;
  sender?: string | null;
  senderAuthority?: string;
  receiver?: string | null;
  receiverAuthority?: string;
  process?: string;
  standard?: string;
  type?: string;
  expectedResponseDateTime?: string | null;
  /** The business message; named by the lowercase type unless `businessName` says otherwise. */
  business?: unknown;
  businessName?: string;
  extraScopes?: Record<string, unknown>[];
}

const partner = (value: string, authority = 'iso6523-actorid-upis') => [{ identifier: { authority, value } }];

/** A plain JSON SBD (not yet parsed), as a client would POST it. `null` leaves a member out. */
export function sbdJson(spec: SbdSpec = {}): Record<string, unknown> {
  const type = spec.type ?? 'arkivmelding';
  const scope: Record<string, unknown> = {
    type: 'ConversationId',
    identifier: spec.process ?? PLAN_PROCESS,
  };
  if (spec.conversationId !== null) scope.instanceIdentifier = spec.conversationId ?? CONVERSATION_ID;
  if (spec.expectedResponseDateTime !== null) {
    scope.scopeInformation = [{ expectedResponseDateTime: spec.expectedResponseDateTime ?? '2019-05-10T00:31:52+01:00' }];
  }
  const documentIdentification: Record<string, unknown> = {
    standard: spec.standard ?? ARKIVMELDING_STANDARD,
    type,
    typeVersion: '2.0',
  };
  if (spec.messageId !== null) documentIdentification.instanceIdentifier = spec.messageId ?? MESSAGE_ID;
  if (spec.creationDateAndTime !== null) documentIdentification.creationDateAndTime = spec.creationDateAndTime ?? '2019-03-25T11:35:00+01:00';
  const header: Record<string, unknown> = {
    headerVersion: '1.0',
    documentIdentification,
    businessScope: { scope: [scope, ...(spec.extraScopes ?? [])] },
  };
  if (spec.sender !== null) header.sender = partner(spec.sender ?? `0192:${OWN_ORG}`, spec.senderAuthority);
  if (spec.receiver !== null) header.receiver = partner(spec.receiver ?? `0192:${OTHER_ORG}`, spec.receiverAuthority);
  return {
    standardBusinessDocumentHeader: header,
    [spec.businessName ?? type.toLowerCase()]: spec.business ?? { sikkerhetsnivaa: 3, hoveddokument: 'arkivmelding.xml' },
  };
}

/** The same, typed, for rules that take a parsed SBD. */
export function sbd(spec: SbdSpec = {}): StandardBusinessDocument {
  return sbdJson(spec) as StandardBusinessDocument;
}

/** The three rows of conformance nextmove_send_create_validation.feature. */
export const CREATE_VALIDATION_ROWS = [
  { conversationId: '37efbd4c-413d-4e2c-bbc5-000000000001', messageId: 'ff88849c-e281-4809-8555-7cd54952b001', sender: `0192:${OWN_ORG}`, process: PLAN_PROCESS },
  {
    conversationId: '37efbd4c-413d-4e2c-bbc5-000000000002', messageId: 'ff88849c-e281-4809-8555-7cd54952b002', sender: `0192:${OWN_ORG}`,
    process: 'urn:no:difi:profile:arkivmelding:helseSosialOgOmsorg:ver1.0',
  },
  { conversationId: '37efbd4c-413d-4e2c-bbc5-000000000001', messageId: 'ff88849c-e281-4809-8555-7cd54952b001', sender: `0192:${OTHER_ORG}`, process: PLAN_PROCESS },
].map((row) => ({ ...row, receiver: `0192:${OTHER_ORG}`, creationDateAndTime: '2019-03-25T11:35:00+01:00', expectedResponseDateTime: '2019-05-10T00:31:52+01:00' }));

/** The conformance harness's default clock (CONTRACT.md §2). */
export const HARNESS_NOW = new Date('2019-03-25T11:38:23Z');
