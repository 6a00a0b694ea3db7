import { XMLBuilder } from 'fast-xml-parser';
import { formatOslo } from '../../domain/index.js';
import type { IdGenerator } from '../../ids/index.js';
import { journalposttypeWord, journalstatusWord } from './noark-codes.js';
import type { SvarInnForsendelse } from './svarinn-forsendelse.js';

// The arkivmelding.xml the reference makes from a SvarInn forsendelse (transports notes §5.4,
// SvarInnNextMoveConverter; its exact form is nextmove_receive_dpf.feature): one saksmappe with one
// journalpost, an Avsender korrespondansepart from svarSendesTil and a dokumentbeskrivelse per file.
// The systemIDs come from the IdGenerator in the reference's order — journalpost, saksmappe, then each
// dokumentbeskrivelse (CONTRACT.md §4). Dates are Oslo dates with their offset, as its JAXB writes them.

const ARKIVMELDING_NS = 'http://www.arkivverket.no/standarder/noark5/arkivmelding';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '    ', suppressEmptyNode: false, suppressBooleanAttributes: false });

type XmlObject = Record<string, unknown>;

export function svarInnArkivmelding(forsendelse: SvarInnForsendelse, ids: IdGenerator, now: Date): Buffer {
  const journalpostId = ids.next();
  const saksmappeId = ids.next();
  const m = forsendelse.metadata;
  const sst = forsendelse.svarSendesTil;
  const journalpost = present({
    '@_xsi:type': 'journalpost',
    systemID: journalpostId,
    dokumentbeskrivelse: forsendelse.filmetadata.map((f) => ({
      systemID: ids.next(),
      tittel: f.filnavn,
      dokumentobjekt: { referanseDokumentfil: f.filnavn },
    })),
    tittel: titleOf(forsendelse),
    offentligTittel: forsendelse.tittel,
    journalaar: m.journalaar,
    journalsekvensnummer: m.journalsekvensnummer,
    journalpostnummer: m.journalpostnummer,
    journalposttype: journalposttypeWord(m.journalposttype),
    journalstatus: journalstatusWord(m.journalstatus),
    journaldato: osloDate(m.journaldato === undefined ? now : new Date(m.journaldato)),
    dokumentetsDato: m.dokumentetsDato === undefined ? undefined : osloDate(new Date(m.dokumentetsDato)),
    korrespondansepart: present({
      korrespondanseparttype: 'Avsender',
      korrespondansepartNavn: sst.navn,
      postadresse: sst.adresse1,
      postnummer: sst.postnr,
      poststed: sst.poststed,
      land: sst.land,
    }),
  });
  const arkivmelding = {
    arkivmelding: {
      '@_xmlns': ARKIVMELDING_NS,
      system: 'Integrasjonspunkt',
      meldingId: forsendelse.id,
      tidspunkt: m.dokumentetsDato === undefined ? formatOslo(now) : startOfOsloDay(new Date(m.dokumentetsDato)),
      // The reference never counts the files; its JAXB writes the int's default.
      antallFiler: 0,
      mappe: present({
        '@_xmlns:xsi': XSI_NS,
        '@_xsi:type': 'saksmappe',
        systemID: saksmappeId,
        basisregistrering: journalpost,
        saksaar: m.saksaar,
        sakssekvensnummer: m.sakssekvensnummer,
        saksansvarlig: m.saksBehandler,
      }),
    },
  };
  return Buffer.from(DECLARATION + (builder.build(arkivmelding) as string), 'utf8');
}

/** The metadata's title, else the forsendelse's; an eDialog answer from a person names its fnr. */
function titleOf(forsendelse: SvarInnForsendelse): string | undefined {
  const title = forsendelse.metadata.tittel ?? forsendelse.tittel;
  const fnr = forsendelse.svarSendesTil.fnr;
  return fnr === undefined ? title : `${title ?? ''} (eDialog fra ${fnr})`;
}

/** xs:date with the Oslo offset of that instant: `2016-03-21+01:00`. */
function osloDate(instant: Date): string {
  const text = formatOslo(instant);
  return text.slice(0, 10) + text.slice(-6);
}

/** xs:dateTime at the start of the Oslo day, the instant's offset kept: `2016-03-21T00:00:00+01:00`. */
function startOfOsloDay(instant: Date): string {
  const text = formatOslo(instant);
  return `${text.slice(0, 10)}T00:00:00${text.slice(-6)}`;
}

/** JAXB leaves null members out. */
function present(object: XmlObject): XmlObject {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
