import {
  conversationIdOf, expiryOf, messageIdOf, parsePartnerIdentifier, primaryIdentifier, processOf, receiverOf,
  recordedSenderIdentifier, senderOf, standardOf, type PartnerIdentification, type ServiceIdentifier, type StandardBusinessDocument,
} from '../../domain/index.js';
import type { NewConversation, NewMessage } from '../../store/index.js';

// The rows an incoming SBD becomes: the in-message (first a DRAFT, until its ASiC-E is stored) and its
// INCOMING conversation, named as the reference names them (api notes §2.8).

export interface IncomingRecords {
  message: NewMessage;
  conversation: NewConversation;
}

/** The identifier as the *Identifier columns hold it; the raw value when it does not parse. */
function identifierText(partner: PartnerIdentification | undefined, recorded: boolean): string | undefined {
  if (!partner) return undefined;
  // Incoming identifiers are recorded, not judged: test (synthetic) person numbers are kept too.
  const parsed = parsePartnerIdentifier(partner.value, partner.authority, { allowSynthetic: true });
  if (!parsed) return partner.value;
  return recorded ? recordedSenderIdentifier(parsed) : primaryIdentifier(parsed);
}

export function incomingRecords(sbd: StandardBusinessDocument, service: ServiceIdentifier): IncomingRecords {
  const messageId = messageIdOf(sbd) ?? '';
  const conversationId = conversationIdOf(sbd) ?? '';
  const processIdentifier = processOf(sbd) ?? '';
  const documentType = standardOf(sbd);
  const expiry = expiryOf(sbd);
  const senderIdentifier = identifierText(senderOf(sbd), true);
  const receiverIdentifier = identifierText(receiverOf(sbd), false);
  return {
    message: {
      messageId, conversationId, direction: 'INCOMING', serviceIdentifier: service, processIdentifier, documentType,
      senderIdentifier: senderIdentifier ?? '', receiverIdentifier, sbd, state: 'DRAFT', expiry,
    },
    conversation: {
      conversationId, messageId, direction: 'INCOMING', serviceIdentifier: service, processIdentifier, documentIdentifier: documentType,
      sender: senderOf(sbd)?.value, senderIdentifier, receiver: receiverOf(sbd)?.value, receiverIdentifier,
      messageReference: conversationId, expiry,
    },
  };
}
