import { ISO6523_AUTHORITY, parseDateTime } from '../../domain/index.js';
import { toAdresseInformasjon } from './postal-address.js';
import { DPI_DIGEST_METHOD, formatUtc } from './wire-sbd.js';

// The corner 2 business messages `digital` and `utskrift` made from a NextMove `digital` or `print`
// message and the receiver's record (transports notes §5.3 step 3; api notes §3.6). Members keep the
// reference's order, so a message reads the same as the reference's.

export interface Avsender {
  virksomhetsidentifikator: { authority: string; value: string };
  avsenderidentifikator?: string;
  fakturaReferanse?: string;
}

/** The fingerprint of the encrypted dokumentpakke and the Maskinporten token the message carries. */
export interface Seal {
  digestValue: string;
  maskinportentoken: string;
}

export interface DigitalRecipient {
  postkasseadresse?: string;
  epostAdresse?: string;
  mobilnummer?: string;
}

/** `difi.move.dpi.printSettings.*`: used where a print message leaves a choice open. */
export interface PrintSettings {
  returnType: 'DIRECT_RETURN' | 'SHREDDING';
  inkType: 'BLACK_WHITE' | 'COLOUR';
  shippingType: 'ECONOMY' | 'PRIORITY';
}

/** Notifications repeat on the day the letter becomes visible and a week later, as the reference sends. */
const REPETISJONER = [0, 7];

type Json = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
const object = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});

/** The sending organisation as ISO 6523 (the on-behalf-of organisation when there is one). */
export function avsenderOf(organisation: string, business: Json): Avsender {
  const avsender: Avsender = { virksomhetsidentifikator: { authority: ISO6523_AUTHORITY, value: organisation } };
  const avsenderidentifikator = text(business.avsenderId);
  const fakturaReferanse = text(business.fakturaReferanse);
  if (avsenderidentifikator !== undefined) avsender.avsenderidentifikator = avsenderidentifikator;
  if (fakturaReferanse !== undefined) avsender.fakturaReferanse = fakturaReferanse;
  return avsender;
}

function fingerprint(seal: Seal): Json {
  return { digestMethod: DPI_DIGEST_METHOD, digestValue: seal.digestValue };
}

export interface DigitalInput {
  /** The NextMove `digital` business message. */
  digital: Json;
  avsender: Avsender;
  recipient: DigitalRecipient;
  /** `difi.move.dpi.language`, for a message without `spraak`. */
  language: string;
  now: Date;
  seal: Seal;
}

export function digitalBody(input: DigitalInput): Json {
  const { digital, recipient } = input;
  const info = object(digital.digitalPostInfo);
  const varsler = object(digital.varsler);
  const body: Json = {
    avsender: input.avsender,
    mottaker: recipient.postkasseadresse === undefined ? {} : { postkasseadresse: recipient.postkasseadresse },
    dokumentpakkefingeravtrykk: fingerprint(input.seal),
    maskinportentoken: input.seal.maskinportentoken,
    sikkerhetsnivaa: toInteger(digital.sikkerhetsnivaa),
    virkningstidspunkt: formatUtc(startOfDay(info.virkningsdato) ?? input.now),
    aapningskvittering: info.aapningskvittering === true || info.aapningskvittering === 'true',
    ikkesensitivtittel: digital.tittel,
    spraak: text(digital.spraak) ?? input.language,
    varsler: {
      ...notification('epostvarsel', 'epostadresse', recipient.epostAdresse, varsler.epostTekst),
      ...notification('smsvarsel', 'mobiltelefonnummer', recipient.mobilnummer, varsler.smsTekst),
    },
  };
  return body;
}

/** A notification only when the registry gives the address and the message gives the text. */
function notification(name: string, addressMember: string, address: string | undefined, varslingstekst: unknown): Json {
  const textValue = text(varslingstekst);
  if (address === undefined || textValue === undefined) return {};
  return { [name]: { [addressMember]: address, varslingstekst: textValue, repetisjoner: REPETISJONER } };
}

function toInteger(value: unknown): unknown {
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return value;
}

/** The start of `virkningsdato` (YYYY-MM-DD) in Oslo, which is the reference clock's zone. */
function startOfDay(value: unknown): Date | undefined {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseDateTime(`${value}T00:00:00`) : undefined;
}

export interface UtskriftInput {
  /** The NextMove `print` business message. */
  print: Json;
  avsender: Avsender;
  printSettings: PrintSettings;
  seal: Seal;
}

export function utskriftBody(input: UtskriftInput): Json {
  const { print, printSettings } = input;
  const retur = object(print.retur);
  return {
    avsender: input.avsender,
    mottaker: toAdresseInformasjon(object(print.mottaker)),
    dokumentpakkefingeravtrykk: fingerprint(input.seal),
    maskinportentoken: input.seal.maskinportentoken,
    utskriftstype: colourOf(print.utskriftsfarge, printSettings),
    retur: {
      mottaker: toAdresseInformasjon(object(retur.mottaker)),
      returposthaandtering: returnHandlingOf(retur.returhaandtering, printSettings),
    },
    posttype: postTypeOf(print.posttype, printSettings),
  };
}

function colourOf(value: unknown, settings: PrintSettings): string {
  if (value === 'FARGE' || value === 'SORT_HVIT') return value;
  return settings.inkType === 'COLOUR' ? 'FARGE' : 'SORT_HVIT';
}

function postTypeOf(value: unknown, settings: PrintSettings): string {
  if (value === 'A_PRIORITERT') return 'A';
  if (value === 'B_OEKONOMI') return 'B';
  return settings.shippingType === 'PRIORITY' ? 'A' : 'B';
}

function returnHandlingOf(value: unknown, settings: PrintSettings): string {
  if (value === 'DIREKTE_RETUR' || value === 'MAKULERING_MED_MELDING') return value;
  return settings.returnType === 'SHREDDING' ? 'MAKULERING_MED_MELDING' : 'DIREKTE_RETUR';
}
