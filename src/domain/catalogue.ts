// Message types, document types (standards) and processes of the next-move API (api notes §3.2, §3.4,
// §4.6). The Service Registry decides which service a receiver takes; this table is what the
// integration point itself knows about each process.
import type { ServiceIdentifier } from './statuses.js';

/** In the reference's enum order, which its error messages list them in. `fiksio` went with v4. */
export const MESSAGE_TYPES = [
  'status', 'feil', 'arkivmelding', 'arkivmelding_kvittering', 'avtalt', 'digital', 'digital_dpv', 'print',
  'dialogmelding', 'dialogmelding_kvittering', 'innsynskrav', 'publisering', 'einnsyn_kvittering',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const RECEIPT_TYPES: readonly MessageType[] = ['arkivmelding_kvittering', 'einnsyn_kvittering', 'dialogmelding_kvittering'];

/** Case-insensitive, as the reference's `MessageType.valueOfType`. */
export function toMessageType(value: string): MessageType | undefined {
  const lower = value.toLowerCase();
  return MESSAGE_TYPES.find((t) => t === lower);
}

export function isReceiptType(type: MessageType): boolean {
  return RECEIPT_TYPES.includes(type);
}

/** The list `UnknownMessageTypeException` names: every type that is not a receipt. */
export function expectedMessageTypes(): MessageType[] {
  return MESSAGE_TYPES.filter((t) => !isReceiptType(t));
}

/** Everything but status messages, receipts and avtalt needs at least one file at send (api notes §5.4). */
export function isFileRequired(type: MessageType): boolean {
  return type !== 'status' && type !== 'avtalt' && !isReceiptType(type);
}

/** `standard` must end with `::<type>` (the reference's `fitsDocumentIdentifier`). */
export function documentTypeFits(type: string, standard: string): boolean {
  return standard.endsWith(`::${type}`);
}

/** The message type a standard names: the suffix after its last `::`, if that is a known type. */
export function messageTypeOf(standard: string): MessageType | undefined {
  const at = standard.lastIndexOf('::');
  if (at < 0) return undefined;
  const suffix = standard.slice(at + 2);
  return MESSAGE_TYPES.find((t) => t === suffix);
}

export const STANDARDS = {
  arkivmelding: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
  arkivmeldingKvittering: 'urn:no:difi:arkivmelding:xsd::arkivmelding_kvittering',
  arkivmeldingStatus: 'urn:no:difi:arkivmelding:xsd::status',
  arkivmeldingFeil: 'urn:no:difi:arkivmelding:xsd::feil',
  status: 'urn:no:difi:eformidling:xsd::status',
  digital: 'urn:no:difi:digitalpost:xsd:digital::digital',
  print: 'urn:no:difi:digitalpost:xsd:fysisk::print',
  digitalDpv: 'urn:no:difi:digitalpost:xsd:digital::digital_dpv',
  innsynskrav: 'urn:no:difi:einnsyn:xsd::innsynskrav',
  publisering: 'urn:no:difi:einnsyn:xsd::publisering',
  einnsynKvittering: 'urn:no:difi:einnsyn:xsd::einnsyn_kvittering',
  avtalt: 'urn:no:difi:avtalt:xsd::avtalt',
  dialogmelding: 'urn:no:difi:helse:xsd:schema::dialogmelding',
  dialogmeldingKvittering: 'urn:no:difi:helse:xsd::dialogmelding_kvittering',
} as const;

const PROFILE = 'urn:no:difi:profile';

export const PROCESSES = {
  arkivmeldingAdministrasjon: `${PROFILE}:arkivmelding:administrasjon:ver1.0`,
  arkivmeldingResponse: `${PROFILE}:arkivmelding:response:ver1.0`,
  digitalpostInfo: `${PROFILE}:digitalpost:info:ver1.0`,
  digitalpostVedtak: `${PROFILE}:digitalpost:vedtak:ver1.0`,
  einnsynInnsynskrav: `${PROFILE}:einnsyn:innsynskrav:ver1.0`,
  einnsynJournalpost: `${PROFILE}:einnsyn:journalpost:ver1.0`,
  einnsynMeeting: `${PROFILE}:einnsyn:meeting:ver1.0`,
  einnsynResponse: `${PROFILE}:einnsyn:response:ver1.0`,
  avtalt: `${PROFILE}:avtalt:avtalt:ver1.0`,
  avtaltResponse: `${PROFILE}:avtalt:response:ver1.0`,
  helse: `${PROFILE}:helse:helse:ver1.0`,
  helseResponse: `${PROFILE}:helse:response:ver1.0`,
} as const;

export interface ProcessDefinition {
  process: string;
  /** The document types (standards) the process carries. */
  standards: readonly string[];
  services: readonly ServiceIdentifier[];
}

const ARKIVMELDING_SUBJECTS = [
  'administrasjon', 'helseSosialOgOmsorg', 'kulturIdrettOgFritid', 'naturOgMiljoe', 'naeringsutvikling',
  'oppvekstOgUtdanning', 'planByggOgGeodata', 'skatterOgAvgifter', 'tekniskeTjenester', 'trafikkReiserOgSamferdsel',
  'taushetsbelagt',
];

const DIGITALPOST_STANDARDS = [STANDARDS.digital, STANDARDS.print, STANDARDS.digitalDpv];

/** Every process of api notes §3.4 (the removed FIKS IO protocols excepted). */
export const PROCESS_CATALOGUE: readonly ProcessDefinition[] = [
  ...ARKIVMELDING_SUBJECTS.map((subject) => ({
    process: `${PROFILE}:arkivmelding:${subject}:ver1.0`,
    standards: [STANDARDS.arkivmelding],
    services: ['DPO', 'DPF', 'DPV'] as const,
  })),
  {
    process: PROCESSES.arkivmeldingResponse,
    standards: [STANDARDS.arkivmeldingKvittering, STANDARDS.status, STANDARDS.arkivmeldingStatus, STANDARDS.arkivmeldingFeil],
    services: ['DPO'],
  },
  { process: PROCESSES.digitalpostInfo, standards: DIGITALPOST_STANDARDS, services: ['DPI', 'DPV'] },
  { process: PROCESSES.digitalpostVedtak, standards: DIGITALPOST_STANDARDS, services: ['DPI', 'DPV'] },
  { process: PROCESSES.einnsynInnsynskrav, standards: [STANDARDS.innsynskrav], services: ['DPE'] },
  { process: PROCESSES.einnsynJournalpost, standards: [STANDARDS.publisering], services: ['DPE'] },
  { process: PROCESSES.einnsynMeeting, standards: [STANDARDS.publisering], services: ['DPE'] },
  { process: PROCESSES.einnsynResponse, standards: [STANDARDS.einnsynKvittering, STANDARDS.status], services: ['DPE'] },
  { process: PROCESSES.avtalt, standards: [STANDARDS.avtalt], services: ['DPO'] },
  { process: PROCESSES.avtaltResponse, standards: [STANDARDS.status], services: ['DPO'] },
  { process: PROCESSES.helse, standards: [STANDARDS.dialogmelding], services: ['DPH'] },
  { process: PROCESSES.helseResponse, standards: [STANDARDS.dialogmeldingKvittering], services: ['DPH'] },
];

export function processDefinition(process: string): ProcessDefinition | undefined {
  return PROCESS_CATALOGUE.find((p) => p.process === process);
}

/** The process that statuses and receipts answering a message of this type travel in (api notes §4.6). */
export function responseProcessOf(type: MessageType): string | undefined {
  switch (type) {
    case 'arkivmelding':
      return PROCESSES.arkivmeldingResponse;
    case 'innsynskrav':
    case 'publisering':
    case 'einnsyn_kvittering':
      return PROCESSES.einnsynResponse;
    case 'avtalt':
      return PROCESSES.avtaltResponse;
    case 'dialogmelding':
      return PROCESSES.helseResponse;
    default:
      return undefined;
  }
}
