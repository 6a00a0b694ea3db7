import { formatOslo, ISO6523_AUTHORITY, type Scope, type StandardBusinessDocument } from '../../domain/index.js';
import type { SvarInnForsendelse } from './svarinn-forsendelse.js';

// The SBD the reference makes for a SvarInn forsendelse (transports notes §5.4, its SBDFactory;
// nextmove_receive_dpf.feature): from svarSendesTil (or the fallback org) to the mottaker, messageId and
// conversationId both the forsendelse id, the configured process and document type, an empty
// arkivmelding business message, and a ReceiverRef scope when it answers another forsendelse.

export interface SvarInnSbdSettings {
  process: string;
  /** e.g. `urn:no:difi:arkivmelding:xsd::arkivmelding`; the business message is named after its `::` suffix. */
  documentType: string;
  fallbackSenderOrgNr: string;
  ttlHours: number;
}

const HOUR_MS = 3_600_000;
/** The reference dates the document a little back, since its validation wants creationDateAndTime in the past. */
const CREATION_LEAD_MS = 5_000;

export function svarInnSbd(forsendelse: SvarInnForsendelse, receiverOrgnr: string, settings: SvarInnSbdSettings, now: Date): StandardBusinessDocument {
  const sender = forsendelse.svarSendesTil.orgnr ?? settings.fallbackSenderOrgNr;
  const type = settings.documentType.slice(settings.documentType.lastIndexOf('::') + 2);
  const scopes: Scope[] = [{
    type: 'ConversationId',
    instanceIdentifier: forsendelse.id,
    identifier: settings.process,
    scopeInformation: [{ expectedResponseDateTime: formatOslo(new Date(now.getTime() + settings.ttlHours * HOUR_MS)) }],
  }];
  if (forsendelse.svarPaForsendelse !== undefined) {
    scopes.push({ type: 'ReceiverRef', instanceIdentifier: forsendelse.svarPaForsendelse });
  }
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { value: `0192:${sender}`, authority: ISO6523_AUTHORITY } }],
      receiver: [{ identifier: { value: `0192:${forsendelse.mottakerOrgnr ?? receiverOrgnr}`, authority: ISO6523_AUTHORITY } }],
      documentIdentification: {
        standard: settings.documentType,
        typeVersion: '2.0',
        instanceIdentifier: forsendelse.id,
        type,
        creationDateAndTime: formatOslo(new Date(now.getTime() - CREATION_LEAD_MS)),
      },
      businessScope: { scope: scopes },
    },
    [type]: {},
  };
}
