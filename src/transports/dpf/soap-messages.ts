import { XMLBuilder } from 'fast-xml-parser';
import type { Adresse, Forsendelse, Metadata } from './forsendelse.js';

// The SOAP 1.2 requests of SvarUt's ForsendelsesServiceV9 (transports notes §5.4; the WSDL's schema is
// elementFormDefault="unqualified"): the operation element in the service namespace, everything inside
// it without one, members in the schema's order. Documents travel as MTOM attachments, so `data` holds
// an xop:Include that names the attachment's Content-ID.

export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SVARUT_NS = 'http://www.ks.no/svarut/servicesV9';
export const XOP_NS = 'http://www.w3.org/2004/08/xop/include';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
// The prefix the reference's JAXB marshaller gives the service namespace; the harness strips it (§9.2).
const PREFIX = 'ns2';

type XmlObject = Record<string, unknown>;

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: false, suppressEmptyNode: true, suppressBooleanAttributes: false });

/** The SOAP 1.2 envelope around one operation element. */
export function soapEnvelope(operation: string, content: XmlObject = {}): string {
  const envelope = {
    'soap:Envelope': {
      '@_xmlns:soap': SOAP12_NS,
      'soap:Header': '',
      'soap:Body': { [`${PREFIX}:${operation}`]: { [`@_xmlns:${PREFIX}`]: SVARUT_NS, ...content } },
    },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build(envelope) as string}`;
}

/**
 * `sendForsendelseMedId`; `contentIds[i]` is the Content-ID (without angle brackets) of the MTOM part
 * that carries document i.
 */
export function sendForsendelseMedIdEnvelope(forsendelsesid: string, forsendelse: Forsendelse, contentIds: readonly string[]): string {
  return soapEnvelope('sendForsendelseMedId', { forsendelse: forsendelseXml(forsendelse, contentIds), forsendelsesid });
}

export function retreiveForsendelseTyperEnvelope(): string {
  return soapEnvelope('retreiveForsendelseTyper');
}

export function retrieveForsendelseStatuserEnvelope(forsendelseIds: readonly string[]): string {
  return soapEnvelope('retrieveForsendelseStatuser', { forsendelseider: [...forsendelseIds] });
}

export function retrieveForsendelseIdByEksternRefEnvelope(eksternRef: string): string {
  return soapEnvelope('retrieveForsendelseIdByEksternRef', { eksternRef });
}

/** The `cid:` URL of a Content-ID (RFC 2392: percent-encoded). */
export function cidUrl(contentId: string): string {
  return `cid:${encodeURIComponent(contentId)}`;
}

function forsendelseXml(f: Forsendelse, contentIds: readonly string[]): XmlObject {
  return withoutUndefined({
    avgivendeSystem: '',
    dokumenter: f.dokumenter.map((d, i) => ({
      data: { 'xop:Include': { '@_xmlns:xop': XOP_NS, '@_href': cidUrl(contentIds[i] ?? '') } },
      ekskluderesFraPrint: String(d.ekskluderesFraPrint),
      filnavn: d.filnavn,
      mimetype: d.mimetype,
      skalSigneres: 'false',
    })),
    eksternref: f.eksternref,
    forsendelseType: f.forsendelseType,
    konteringskode: f.konteringskode,
    krevNiva4Innlogging: String(f.krevNiva4Innlogging),
    kryptert: String(f.kryptert),
    kunDigitalLevering: String(f.kunDigitalLevering),
    metadataFraAvleverendeSystem: metadataXml(f.metadataFraAvleverendeSystem),
    mottaker: adresseXml(f.mottaker),
    printkonfigurasjon: { brevtype: 'BPOST', fargePrint: 'false', tosidig: 'true' },
    signaturtype: nil(),
    signeringUtloper: nil(),
    svarPaForsendelse: f.svarPaForsendelse,
    svarPaForsendelseLink: 'false',
    svarSendesTil: adresseXml(f.svarSendesTil),
    tittel: f.tittel,
  });
}

function metadataXml(m: Metadata): XmlObject {
  return withoutUndefined({
    dokumentetsDato: m.dokumentetsDato,
    ekstraMetadata: m.ekstraMetadata.map((e) => ({ key: e.key, value: e.value })),
    journalaar: String(m.journalaar),
    journaldato: m.journaldato,
    journalpostnummer: String(m.journalpostnummer),
    journalposttype: m.journalposttype,
    journalsekvensnummer: String(m.journalsekvensnummer),
    journalstatus: m.journalstatus,
    saksaar: String(m.saksaar),
    saksbehandler: m.saksbehandler,
    sakssekvensnummer: String(m.sakssekvensnummer),
    tittel: m.tittel,
  });
}

function adresseXml(a: Adresse): XmlObject {
  const p = a.postAdresse;
  return {
    digitalAdresse: { '@_xmlns:xsi': XSI_NS, '@_xsi:type': `${PREFIX}:organisasjonDigitalAdresse`, orgnr: a.orgnr },
    postAdresse: withoutUndefined({ adresse1: p.adresse1, land: p.land, navn: p.navn, postnr: p.postnr, poststed: p.poststed }),
  };
}

function nil(): XmlObject {
  return { '@_xmlns:xsi': XSI_NS, '@_xsi:nil': 'true' };
}

/** JAXB leaves null members out; an empty string is still written. */
function withoutUndefined(object: XmlObject): XmlObject {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
