import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UnmarshalArkivmeldingError, parseArkivmelding, validateArkivmeldingXml, type XsdFile } from '../../src/domain/index.js';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const OK = fixture('arkivmelding_ok.xml');
const MISSING_TITLE = fixture('arkivmelding_error.xml');
const XSDS: XsdFile[] = ['arkivmelding.xsd', 'metadatakatalog.xsd'].map((fileName) => ({
  fileName,
  contents: readFileSync(new URL(`../../schemas/arkivmelding/${fileName}`, import.meta.url), 'utf8'),
}));

const NS = 'xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function arkivmelding(body: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><arkivmelding ${NS}><system>S</system><meldingId>m</meldingId>`
    + `<tidspunkt>2017-05-23T12:46:00</tidspunkt><antallFiler>1</antallFiler>${body}</arkivmelding>`;
}

const JOURNALPOST = (files: string[], extra = '') => `<basisregistrering xsi:type="journalpost"><systemID>j</systemID>
  <tittel>Intern tittel</tittel><offentligTittel>Offentlig tittel</offentligTittel>${extra}
  <dokumentbeskrivelse>${files.map((f) => `<dokumentobjekt><referanseDokumentfil>${f}</referanseDokumentfil></dokumentobjekt>`).join('')}</dokumentbeskrivelse>
  <journalpostnummer>12</journalpostnummer></basisregistrering>`;

describe(parseArkivmelding.name, () => {
  it('reads title, referenced files and saksmappe of the reference example', () => {
    expect(parseArkivmelding(OK)).toEqual({
      messageTitle: 'Nye lysrør',
      messageReference: undefined,
      saksmappeSystemId: '43fbe161-7aac-4c9f-a888-d8167aab4144',
      journalpostnummer: undefined,
      journalpostTittel: 'Nye lysrør',
      referencedFiles: ['test.pdf'],
    });
  });

  it('builds messageReference from saksmappe.systemID and journalpostnummer, whatever the prefixes', () => {
    const xml = `<?xml version="1.0"?><a:arkivmelding xmlns:a="http://www.arkivverket.no/standarder/noark5/arkivmelding"
      xmlns:x="http://www.w3.org/2001/XMLSchema-instance"><a:mappe x:type="a:saksmappe"><a:systemID>sak-1</a:systemID>
      <a:basisregistrering x:type="a:journalpost"><a:offentligTittel>T</a:offentligTittel><a:journalpostnummer>7</a:journalpostnummer>
      </a:basisregistrering></a:mappe></a:arkivmelding>`;
    expect(parseArkivmelding(xml)).toMatchObject({ messageTitle: 'T', messageReference: 'sak-1-7', journalpostnummer: '7' });
  });

  it('lists every referenced file once, in document order, also across several documents', () => {
    const xml = arkivmelding(`<mappe xsi:type="saksmappe"><systemID>s</systemID>${JOURNALPOST(['b.pdf', 'a.pdf', 'b.pdf'])}</mappe>`);
    expect(parseArkivmelding(xml).referencedFiles).toEqual(['b.pdf', 'a.pdf']);
  });

  it('reads a registrering placed directly under arkivmelding', () => {
    const xml = arkivmelding(`<registrering xsi:type="journalpost"><offentligTittel>Direkte</offentligTittel>
      <dokumentbeskrivelse><dokumentobjekt><referanseDokumentfil>x.pdf</referanseDokumentfil></dokumentobjekt></dokumentbeskrivelse></registrering>`);
    expect(parseArkivmelding(xml)).toMatchObject({ messageTitle: 'Direkte', referencedFiles: ['x.pdf'] });
  });

  it('refuses a DOCTYPE or ENTITY outright, before any entity could expand', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><arkivmelding>&lol2;</arkivmelding>`;
    expect(() => parseArkivmelding(bomb)).toThrow(UnmarshalArkivmeldingError);
  });

  it('refuses XML that is not well-formed, and another root element', () => {
    let error: unknown;
    try { parseArkivmelding('<arkivmelding><mappe></arkivmelding>'); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(UnmarshalArkivmeldingError);
    expect((error as UnmarshalArkivmeldingError).message).toBe('Unable to unmarshal arkivmelding');
    expect((error as UnmarshalArkivmeldingError).description).toContain('not well-formed');
    expect(() => parseArkivmelding('<other/>')).toThrow(UnmarshalArkivmeldingError);
  });
});

describe(validateArkivmeldingXml.name, () => {
  it('finds no problem in a valid arkivmelding', async () => {
    expect(await validateArkivmeldingXml(OK, XSDS)).toEqual([]);
  });

  it('reports the missing mappe tittel with its line', async () => {
    const problems = await validateArkivmeldingXml(MISSING_TITLE, XSDS);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ field: 'arkivmelding.xml', code: 'ArkivmeldingSchema' });
    expect(problems[0]?.message).toMatch(/^line \d+: .*opprettetDato.*tittel/s);
  });

  it('reports a wrong value type and a DOCTYPE', async () => {
    const wrong = OK.replace('<antallFiler>1</antallFiler>', '<antallFiler>one</antallFiler>');
    expect((await validateArkivmeldingXml(wrong, XSDS))[0]?.message).toContain('antallFiler');
    const dtd = OK.replace('<arkivmelding ', '<!DOCTYPE arkivmelding><arkivmelding ');
    expect(await validateArkivmeldingXml(dtd, XSDS)).toEqual([expect.objectContaining({ message: 'must not contain a DOCTYPE or ENTITY declaration' })]);
  });

  it('needs arkivmelding.xsd among the schema files', async () => {
    await expect(validateArkivmeldingXml(OK, XSDS.slice(1))).rejects.toThrow(TypeError);
  });
});
