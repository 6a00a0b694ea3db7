import { UnreadableForsendelseError } from './errors.js';

// One entry of SvarInn's `mottaker/hentNyeForsendelser` list (transports notes §5.4; the fields the
// reference reads). Strings keep the difference between absent/null and empty: an empty `land` is
// written as an empty element in the rebuilt arkivmelding, a null one is left out.

export interface SvarSendesTil {
  navn?: string;
  adresse1?: string;
  postnr?: string;
  poststed?: string;
  land?: string;
  orgnr?: string;
  /** A person answering through eDialog; never logged. */
  fnr?: string;
}

export interface SvarInnMetadata {
  sakssekvensnummer: number;
  saksaar: number;
  journalaar?: number;
  journalsekvensnummer?: number;
  journalpostnummer?: number;
  journalposttype?: string;
  journalstatus?: string;
  /** Epoch milliseconds. */
  journaldato?: number;
  dokumentetsDato?: number;
  tittel?: string;
  saksBehandler?: string;
}

export interface SvarInnForsendelse {
  id: string;
  tittel?: string;
  downloadUrl: string;
  mottakerOrgnr?: string;
  svarSendesTil: SvarSendesTil;
  svarPaForsendelse?: string;
  metadata: SvarInnMetadata;
  filmetadata: { filnavn: string; mimetype?: string }[];
}

type Json = Record<string, unknown>;

const objectOf = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const text = (json: Json, name: string): string | undefined => {
  const value = json[name];
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : undefined;
};
const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

function number(json: Json, name: string): number | undefined {
  const value = json[name];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** Throws UnreadableForsendelseError when the entry lacks an id or a download URL. */
export function readSvarInnForsendelse(value: unknown): SvarInnForsendelse {
  const json = objectOf(value);
  const id = nonEmpty(text(json, 'id'));
  const downloadUrl = nonEmpty(text(json, 'downloadUrl'));
  if (id === undefined || downloadUrl === undefined) throw new UnreadableForsendelseError('a SvarInn forsendelse without id or downloadUrl');
  const sst = objectOf(json.svarSendesTil);
  const metadata = objectOf(json.metadataFraAvleverendeSystem);
  return {
    id,
    tittel: text(json, 'tittel'),
    downloadUrl,
    mottakerOrgnr: nonEmpty(text(objectOf(json.mottaker), 'orgnr')),
    svarSendesTil: {
      navn: text(sst, 'navn'), adresse1: text(sst, 'adresse1'), postnr: text(sst, 'postnr'), poststed: text(sst, 'poststed'),
      land: text(sst, 'land'), orgnr: nonEmpty(text(sst, 'orgnr')), fnr: nonEmpty(text(sst, 'fnr')),
    },
    svarPaForsendelse: nonEmpty(text(json, 'svarPaForsendelse')),
    metadata: {
      sakssekvensnummer: number(metadata, 'sakssekvensnummer') ?? 0,
      saksaar: number(metadata, 'saksaar') ?? 0,
      journalaar: number(metadata, 'journalaar'),
      journalsekvensnummer: number(metadata, 'journalsekvensnummer'),
      journalpostnummer: number(metadata, 'journalpostnummer'),
      journalposttype: nonEmpty(text(metadata, 'journalposttype')),
      journalstatus: nonEmpty(text(metadata, 'journalstatus')),
      journaldato: number(metadata, 'journaldato'),
      dokumentetsDato: number(metadata, 'dokumentetsDato'),
      tittel: nonEmpty(text(metadata, 'tittel')),
      saksBehandler: nonEmpty(text(metadata, 'saksBehandler')),
    },
    filmetadata: (Array.isArray(json.filmetadata) ? json.filmetadata : []).map(objectOf).flatMap((f) => {
      const filnavn = nonEmpty(text(f, 'filnavn'));
      return filnavn === undefined ? [] : [{ filnavn, mimetype: nonEmpty(text(f, 'mimetype')) }];
    }),
  };
}
