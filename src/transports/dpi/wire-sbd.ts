import { ISO6523_AUTHORITY } from '../../domain/index.js';

// The SBD that travels to corner 2 (transports notes §5.3 step 3, Appendix A): addressed from our main
// organisation to the mailbox or print provider, with the corner 2 standard and process for its type,
// and every time in UTC (`2019-03-25T11:38:23Z`) as the reference's DPI mapper writes them.

export type DpiMessageType = 'digital' | 'utskrift';

export interface WireSbdInput {
  type: DpiMessageType;
  /** `0192:<orgnr>` of our main organisation. */
  sender: string;
  /** Organisation number of the mailbox or print provider. */
  providerOrgnr: string;
  messageId: string;
  conversationId: string;
  expectedResponseDateTime?: Date;
  now: Date;
  body: Record<string, unknown>;
}

export const DPI_DIGEST_METHOD = 'http://www.w3.org/2001/04/xmlenc#sha256';

const standardOf = (type: DpiMessageType): string =>
  `urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##urn:fdc:digdir.no:2020:innbyggerpost:schema:${type}::1.0`;

const processOf = (type: DpiMessageType): string => `urn:fdc:digdir.no:2020:profile:egovernment:innbyggerpost:${type}:ver1.0`;

/** ISO-8601 in UTC; milliseconds only when not zero. */
export function formatUtc(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

export function wireSbd(input: WireSbdInput): Record<string, unknown> {
  const scope: Record<string, unknown> = {
    type: 'ConversationId',
    instanceIdentifier: input.conversationId,
    identifier: processOf(input.type),
  };
  if (input.expectedResponseDateTime !== undefined) scope.scopeInformation = [{ expectedResponseDateTime: formatUtc(input.expectedResponseDateTime) }];
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { value: input.sender, authority: ISO6523_AUTHORITY } }],
      receiver: [{ identifier: { value: `0192:${input.providerOrgnr}`, authority: ISO6523_AUTHORITY } }],
      documentIdentification: {
        standard: standardOf(input.type),
        typeVersion: '1.0',
        instanceIdentifier: input.messageId,
        type: input.type,
        creationDateAndTime: formatUtc(input.now),
      },
      businessScope: { scope: [scope] },
    },
    [input.type]: input.body,
  };
}

/**
 * The JWS payload and the document the JSON Schemas describe: the SBD wrapped as
 * `{"standardBusinessDocument": …}` (transports notes §4.5; the reference's DpiMapper wraps it and its
 * receiving side unwraps it before comparing).
 */
export function wrapForCorner2(sbd: Record<string, unknown>): Record<string, unknown> {
  return { standardBusinessDocument: sbd };
}
