import { randomUUID } from 'node:crypto';
import { signJws, type KeystoreEntry } from '../../crypto/index.js';
import { formatUtc, wrapForCorner2 } from '../../transports/dpi/index.js';

// Receipts as corner 3 sends them back through corner 2 (transports notes §5.3, Appendix B): a JWS
// (RS256, x5c) over `{"standardBusinessDocument": …}` whose type is the receipt's, addressed from the
// provider to the sending organisation, in the sender's conversation.

export const RECEIPT_TYPES = [
  'leveringskvittering', 'aapningskvittering', 'varslingfeiletkvittering', 'mottakskvittering', 'returpostkvittering', 'feil',
] as const;
export type ReceiptType = (typeof RECEIPT_TYPES)[number];

export interface ReceiptInput {
  type: ReceiptType;
  /** The letter the receipt is about: its conversation and its avsender. */
  conversationId: string;
  avsender: Record<string, unknown>;
  providerOrgnr: string;
  tidspunkt: Date;
  signer: KeystoreEntry;
}

export interface SignedReceipt {
  messageId: string;
  jws: string;
}

export async function signedReceipt(input: ReceiptInput): Promise<SignedReceipt> {
  const messageId = randomUUID();
  const provider = `0192:${input.providerOrgnr}`;
  const sendingOrganisation = (input.avsender.virksomhetsidentifikator as { value?: unknown } | undefined)?.value;
  const body: Record<string, unknown> = {
    avsender: input.avsender,
    mottaker: { virksomhetsidentifikator: { authority: 'iso6523-actorid-upis', value: provider } },
    tidspunkt: formatUtc(input.tidspunkt),
  };
  if (input.type === 'varslingfeiletkvittering') body.varslingskanal = 'epost';
  if (input.type === 'feil') body.feiltype = 'KLIENT';
  const sbd = {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: provider } }],
      receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: typeof sendingOrganisation === 'string' ? sendingOrganisation : provider } }],
      documentIdentification: {
        standard: `urn:fdc:digdir.no:2020:innbyggerpost:xsd::innbyggerpost##urn:fdc:digdir.no:2020:innbyggerpost:schema:${input.type}::1.0`,
        typeVersion: '1.0',
        instanceIdentifier: messageId,
        type: input.type,
        creationDateAndTime: formatUtc(input.tidspunkt),
      },
      businessScope: {
        scope: [{ type: 'ConversationId', instanceIdentifier: input.conversationId, identifier: 'urn:fdc:digdir.no:2020:profile:egovernment:innbyggerpost:kvittering:ver1.0' }],
      },
    },
    [input.type]: body,
  };
  return { messageId, jws: await signJws(JSON.stringify(wrapForCorner2(sbd)), { signer: input.signer, alg: 'RS256' }) };
}
