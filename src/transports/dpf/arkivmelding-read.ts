import { UnsendableForsendelseError } from './errors.js';
import {
  childElements, childText, firstChild, hasXsiType, isElement, parseXmlTree, textContent, type XmlElement,
} from './xml-tree.js';

// What a SvarUt forsendelse takes from arkivmelding.xml (transports notes §5.4, the reference's
// FiksWebServiceMapper): the saksmappe's numbers, the journalpost's numbers, types, dates and titles,
// its korrespondanseparter, the simple children of its virksomhetsspesifikkeMetadata, and its
// dokumentbeskrivelser with the files they refer to.

export interface Korrespondansepart {
  /** Undefined when missing or not one of the Noark 5 words. */
  type?: string;
  navn?: string;
  postadresse: string[];
  postnummer?: string;
  poststed?: string;
  land?: string;
  saksbehandler?: string;
}

export interface Dokumentbeskrivelse {
  isHoveddokument: boolean;
  /** `dokumentobjekt/referanseDokumentfil`, in order. */
  files: string[];
}

export interface ArkivmeldingForSvarUt {
  saksaar: number;
  sakssekvensnummer: number;
  journalaar: number;
  journalsekvensnummer: number;
  journalpostnummer: number;
  journalposttype?: string;
  journalstatus?: string;
  /** As written: an xs:date, possibly with a zone. */
  journaldato?: string;
  dokumentetsDato?: string;
  offentligTittel?: string;
  korrespondanseparter: Korrespondansepart[];
  ekstraMetadata: { key: string; value: string }[];
  dokumentbeskrivelser: Dokumentbeskrivelse[];
}

const KORRESPONDANSEPARTTYPER = new Set(['Avsender', 'Mottaker', 'Kopimottaker', 'Gruppemottaker', 'Intern avsender', 'Intern mottaker']);

/** Throws UnsendableForsendelseError when the text is no arkivmelding with a saksmappe and a journalpost. */
export function readArkivmeldingForSvarUt(xml: string): ArkivmeldingForSvarUt {
  let root: XmlElement;
  try {
    root = parseXmlTree(xml);
  } catch (cause) {
    throw new UnsendableForsendelseError(`arkivmelding.xml cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  if (root.name !== 'arkivmelding') throw new UnsendableForsendelseError('the root element of arkivmelding.xml must be arkivmelding');
  const mapper = childElements(root, 'mappe');
  const saksmappe = mapper.find((m) => hasXsiType(m, 'saksmappe')) ?? mapper[0];
  const journalpost = childElements(saksmappe, 'basisregistrering').find((r) => hasXsiType(r, 'journalpost'))
    ?? childElements(saksmappe, 'basisregistrering')[0];
  if (saksmappe === undefined || journalpost === undefined) {
    throw new UnsendableForsendelseError('arkivmelding.xml has no saksmappe with a journalpost, which a SvarUt forsendelse is made from');
  }
  return {
    saksaar: integer(saksmappe, 'saksaar'),
    sakssekvensnummer: integer(saksmappe, 'sakssekvensnummer'),
    journalaar: integer(journalpost, 'journalaar'),
    journalsekvensnummer: integer(journalpost, 'journalsekvensnummer'),
    journalpostnummer: integer(journalpost, 'journalpostnummer'),
    journalposttype: childText(journalpost, 'journalposttype'),
    journalstatus: childText(journalpost, 'journalstatus'),
    journaldato: childText(journalpost, 'journaldato'),
    dokumentetsDato: childText(journalpost, 'dokumentetsDato'),
    offentligTittel: childText(journalpost, 'offentligTittel'),
    korrespondanseparter: childElements(journalpost, 'korrespondansepart').map(korrespondansepart),
    ekstraMetadata: ekstraMetadata(firstChild(journalpost, 'virksomhetsspesifikkeMetadata')),
    dokumentbeskrivelser: childElements(journalpost, 'dokumentbeskrivelse').map((d) => ({
      isHoveddokument: childText(d, 'tilknyttetRegistreringSom') === 'Hoveddokument',
      files: childElements(d, 'dokumentobjekt').map((o) => childText(o, 'referanseDokumentfil')).filter((f): f is string => f !== undefined),
    })),
  };
}

/** A missing number is 0, as the reference's `toInt` makes it. */
function integer(element: XmlElement, name: string): number {
  const text = childText(element, name);
  if (text === undefined) return 0;
  if (!/^[+-]?\d+$/.test(text)) throw new UnsendableForsendelseError(`arkivmelding.xml: ${name} "${text}" is not a whole number`);
  return Number(text);
}

function korrespondansepart(element: XmlElement): Korrespondansepart {
  const type = childText(element, 'korrespondanseparttype');
  return {
    type: type !== undefined && KORRESPONDANSEPARTTYPER.has(type) ? type : undefined,
    navn: childText(element, 'korrespondansepartNavn'),
    postadresse: childElements(element, 'postadresse').map((p) => textContent(p)),
    postnummer: childText(element, 'postnummer'),
    poststed: childText(element, 'poststed'),
    land: childText(element, 'land'),
    saksbehandler: childText(element, 'saksbehandler'),
  };
}

/** Only simple children (one text node each) travel to SvarUt; others are left out, as the reference does. */
function ekstraMetadata(element: XmlElement | undefined): { key: string; value: string }[] {
  return childElements(element)
    .filter((child) => child.children.length === 1 && !isElement(child.children[0] ?? { text: '' }))
    .map((child) => ({ key: child.qname, value: textContent(child) }));
}
