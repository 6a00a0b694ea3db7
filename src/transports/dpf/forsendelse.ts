import type { InfoRecord } from '../../addressing/index.js';
import type { ArkivmeldingForSvarUt, Korrespondansepart } from './arkivmelding-read.js';
import { UnsendableForsendelseError } from './errors.js';
import { journalposttypeCode, journalstatusCode } from './noark-codes.js';

// The SvarUt forsendelse built from an arkivmelding message exactly as the reference builds it
// (transports notes §5.4, FiksWebServiceMapper; its wire form is nextmove_send_dpf.feature). Members
// the reference leaves null are left out here too.

export interface PostAdresse {
  adresse1?: string;
  land?: string;
  navn?: string;
  postnr?: string;
  poststed?: string;
}

export interface Adresse {
  orgnr: string;
  postAdresse: PostAdresse;
}

export interface Dokument {
  filnavn: string;
  mimetype: string;
  ekskluderesFraPrint: boolean;
}

export interface Metadata {
  dokumentetsDato?: string;
  ekstraMetadata: { key: string; value: string }[];
  journalaar: number;
  journaldato?: string;
  journalpostnummer: number;
  journalposttype: string;
  journalsekvensnummer: number;
  journalstatus: string;
  saksaar: number;
  saksbehandler?: string;
  sakssekvensnummer: number;
  tittel?: string;
}

export interface Forsendelse {
  dokumenter: Dokument[];
  eksternref: string;
  forsendelseType?: string;
  konteringskode?: string;
  krevNiva4Innlogging: boolean;
  kryptert: boolean;
  kunDigitalLevering: boolean;
  metadataFraAvleverendeSystem: Metadata;
  mottaker: Adresse;
  svarPaForsendelse?: string;
  svarSendesTil: Adresse;
  tittel?: string;
}

export interface ForsendelseSettings {
  konteringskode?: string;
  kryptert: boolean;
  kunDigitalLevering: boolean;
  /** File extensions SvarUt must not print; `*` for all but pdf. */
  ekskluderesFraPrint: readonly string[];
}

export interface ForsendelseInput {
  arkivmelding: ArkivmeldingForSvarUt;
  messageId: string;
  /** The sending organisation: the on-behalf-of one when there is one. */
  senderOrgnr: string;
  receiverOrgnr: string;
  forsendelseType?: string;
  svarPaForsendelse?: string;
  sikkerhetsnivaa?: number;
  /** The uploaded files by name. */
  files: ReadonlyMap<string, { mimetype: string }>;
  receiverInfo: InfoRecord;
  /** Asked for only when the arkivmelding names no Avsender. */
  senderInfo: () => Promise<InfoRecord>;
  settings: ForsendelseSettings;
}

const AVSENDER = 'Avsender';

export async function buildForsendelse(input: ForsendelseInput): Promise<Forsendelse> {
  const am = input.arkivmelding;
  // One korrespondansepart of unknown type makes the reference drop them all (it logs "Invalid value").
  const parter = am.korrespondanseparter.some((k) => k.type === undefined) ? [] : am.korrespondanseparter;
  const avsender = parter.find((k) => k.type === AVSENDER);
  return {
    dokumenter: dokumenterOf(input),
    eksternref: input.messageId,
    forsendelseType: input.forsendelseType,
    konteringskode: input.settings.konteringskode,
    krevNiva4Innlogging: input.sikkerhetsnivaa === 4,
    kryptert: input.settings.kryptert,
    kunDigitalLevering: input.settings.kunDigitalLevering,
    metadataFraAvleverendeSystem: {
      dokumentetsDato: atStartOfDay(am.dokumentetsDato),
      ekstraMetadata: am.ekstraMetadata,
      journalaar: am.journalaar,
      journaldato: atStartOfDay(am.journaldato),
      journalpostnummer: am.journalpostnummer,
      journalposttype: journalposttypeCode(am.journalposttype),
      journalsekvensnummer: am.journalsekvensnummer,
      journalstatus: journalstatusCode(am.journalstatus),
      saksaar: am.saksaar,
      saksbehandler: avsender?.saksbehandler,
      sakssekvensnummer: am.sakssekvensnummer,
      tittel: am.offentligTittel,
    },
    mottaker: adresseOfInfo(input.receiverInfo, input.receiverOrgnr),
    svarPaForsendelse: input.svarPaForsendelse,
    svarSendesTil: avsender ? adresseOfPart(avsender, input.senderOrgnr) : adresseOfInfo(await input.senderInfo(), input.senderOrgnr),
    tittel: am.offentligTittel,
  };
}

/** The files of the dokumentbeskrivelser, the Hoveddokument's first, each found among the uploads. */
function dokumenterOf(input: ForsendelseInput): Dokument[] {
  const beskrivelser = input.arkivmelding.dokumentbeskrivelser;
  const ordered = [...beskrivelser.filter((d) => d.isHoveddokument), ...beskrivelser.filter((d) => !d.isHoveddokument)];
  return ordered.flatMap((d) => d.files).map((filnavn) => {
    const file = input.files.get(filnavn);
    if (file === undefined) throw new UnsendableForsendelseError(`File '${filnavn}' referenced in '${input.messageId}' not found`);
    return { filnavn, mimetype: file.mimetype, ekskluderesFraPrint: isExcludedFromPrint(filnavn, input.settings.ekskluderesFraPrint) };
  });
}

/** Never a pdf; otherwise when the list holds `*` or the extension (the text after the last dot, or the whole name). */
function isExcludedFromPrint(filnavn: string, excluded: readonly string[]): boolean {
  const extension = filnavn.split('.').at(-1) ?? filnavn;
  if (extension.toLowerCase() === 'pdf') return false;
  return excluded.includes('*') || excluded.includes(extension);
}

function adresseOfPart(part: Korrespondansepart, orgnr: string): Adresse {
  return {
    orgnr,
    postAdresse: { adresse1: part.postadresse.join(' '), land: part.land, navn: part.navn, postnr: part.postnummer, poststed: part.poststed },
  };
}

/** Without a postal address in Enhetsregisteret the reference sends Oslo, 0192, Norge. */
function adresseOfInfo(info: InfoRecord, orgnr: string): Adresse {
  const navn = info.organizationName ?? undefined;
  const post = info.postadresse;
  const postAdresse: PostAdresse = post
    ? { adresse1: post.adresse ?? undefined, land: post.land ?? undefined, navn, postnr: post.postnummer ?? undefined, poststed: post.poststed ?? undefined }
    : { land: 'Norge', navn, postnr: '0192', poststed: 'Oslo' };
  return { orgnr: info.identifier ?? orgnr, postAdresse };
}

/** An xs:date (or dateTime) at midnight, its zone kept: `2017-05-23` → `2017-05-23T00:00:00`. */
export function atStartOfDay(date: string | undefined): string | undefined {
  if (date === undefined) return undefined;
  const match = /^(-?\d{4,}-\d{2}-\d{2})(?:T[\d:.]+)?(Z|[+-]\d{2}:\d{2})?$/.exec(date.trim());
  if (match === null) throw new UnsendableForsendelseError(`arkivmelding.xml: "${date}" is not a date`);
  return `${match[1] ?? ''}T00:00:00${match[2] ?? ''}`;
}
