// The processes and document types the registry's database holds (addressing notes §2.8), as far as the
// demo organisations use them.

const ARKIVMELDING_DOCUMENT_TYPE = 'urn:no:difi:arkivmelding:xsd::arkivmelding';
const STATUS = 'urn:no:difi:eformidling:xsd::status';
const FEIL = 'urn:no:difi:eformidling:xsd::feil';

export interface ProcessEntry {
  process: string;
  documentTypes: string[];
  /** Short name used in Altinn resource ids (`eformidling-dpv-administrasjon`). */
  shortName: string;
}

export interface EinnsynProcessEntry extends ProcessEntry {
  /** The Service Bus queue suffix a DPE record carries as `endpointUrl` (addressing notes §2.6). */
  queue: string;
}

const ARKIVMELDING_AREAS = [
  'administrasjon', 'helseSosialOgOmsorg', 'kulturIdrettOgFritid', 'naturOgMiljoe', 'naeringsutvikling',
  'oppvekstOgUtdanning', 'planByggOgGeodata', 'skatterOgAvgifter', 'tekniskeTjenester',
  'trafikkReiserOgSamferdsel', 'taushetsbelagt',
] as const;

export const ARKIVMELDING_PROCESSES: readonly ProcessEntry[] = ARKIVMELDING_AREAS.map((area) => ({
  process: `urn:no:difi:profile:arkivmelding:${area}:ver1.0`,
  documentTypes: [ARKIVMELDING_DOCUMENT_TYPE],
  shortName: area.toLowerCase(),
}));

export const ARKIVMELDING_RESPONSE_PROCESS: ProcessEntry = {
  process: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
  documentTypes: ['urn:no:difi:arkivmelding:xsd::arkivmelding_kvittering', STATUS, FEIL],
  shortName: 'response',
};

export const EINNSYN_PROCESSES: readonly EinnsynProcessEntry[] = [
  { process: 'urn:no:difi:profile:einnsyn:journalpost:ver1.0', documentTypes: ['urn:no:difi:einnsyn:xsd::publisering'], shortName: 'journalpost', queue: 'data' },
  { process: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0', documentTypes: ['urn:no:difi:einnsyn:xsd::innsynskrav'], shortName: 'innsynskrav', queue: 'innsyn' },
  { process: 'urn:no:difi:profile:einnsyn:meeting:ver1.0', documentTypes: ['urn:no:difi:einnsyn:xsd::publisering'], shortName: 'meeting', queue: 'meeting' },
  { process: 'urn:no:difi:profile:einnsyn:response:ver1.0', documentTypes: ['urn:no:difi:einnsyn:xsd::einnsyn_kvittering', STATUS, FEIL], shortName: 'response', queue: '' },
];

export const AVTALT_PROCESS: ProcessEntry = {
  process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0',
  documentTypes: ['urn:no:difi:avtalt:xsd::avtalt'],
  shortName: 'avtalt',
};

/** Where the receiver of an avtalt message sends its MOTTATT and LEVERT (addressing notes §2.8, §3.4). */
export const AVTALT_RESPONSE_PROCESS: ProcessEntry = {
  process: 'urn:no:difi:profile:avtalt:response:ver1.0',
  documentTypes: [STATUS, FEIL],
  shortName: 'avtaltresponse',
};

/** Digital post to citizens; one record carries both letter kinds, as the reference's fixtures show. */
export const DIGITALPOST_PROCESSES: readonly ProcessEntry[] = ['info', 'vedtak'].map((kind) => ({
  process: `urn:no:difi:profile:digitalpost:${kind}:ver1.0`,
  documentTypes: ['urn:no:difi:digitalpost:xsd:digital::digital', 'urn:no:difi:digitalpost:xsd:fysisk::print'],
  shortName: kind,
}));

/** Dialogmelding and the application receipt that answers it (DPH). */
export const HELSE_PROCESSES: readonly ProcessEntry[] = [
  { process: 'urn:no:difi:profile:helse:helse:ver1.0', documentTypes: ['urn:no:difi:helse:xsd:schema::dialogmelding'], shortName: 'helse' },
  { process: 'urn:no:difi:profile:helse:response:ver1.0', documentTypes: ['urn:no:difi:helse:xsd::dialogmelding_kvittering'], shortName: 'helseresponse' },
];
