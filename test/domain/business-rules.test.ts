import { describe, expect, it } from 'vitest';
import { checkBusinessMessage } from '../../src/domain/index.js';
import { sbd } from './builders.js';

const of = (type: string, business: unknown) => sbd({ type, standard: `urn:x::${type}`, business });
const fields = (type: string, business: unknown, options = {}) => checkBusinessMessage(of(type, business), options).map((p) => p.field);

const DIGITAL = {
  sikkerhetsnivaa: 4, hoveddokument: 'brev.pdf', tittel: 'Vedtak', spraak: 'NO',
  digitalPostInfo: { virkningsdato: '2019-04-01', aapningskvittering: false },
  varsler: { epostTekst: 'hei' }, metadataFiler: { 'brev.pdf': 'meta.xml' },
};

describe(checkBusinessMessage.name, () => {
  it('finds nothing wrong with the create-validation feature arkivmelding', () => {
    expect(fields('arkivmelding', { sikkerhetsnivaa: 3, hoveddokument: 'arkivmelding.xml' })).toEqual([]);
  });

  it('needs sikkerhetsnivaa 3 or 4 on an arkivmelding only for DPF', () => {
    expect(fields('arkivmelding', {})).toEqual([]);
    expect(fields('arkivmelding', {}, { serviceIdentifier: 'DPF' })).toEqual(['arkivmelding.sikkerhetsnivaa']);
    expect(fields('arkivmelding', { sikkerhetsnivaa: 2 })).toEqual(['arkivmelding.sikkerhetsnivaa']);
  });

  it('checks DPV settings, accepting either enum spelling', () => {
    expect(fields('arkivmelding', { dpv: { varselType: 'VARSEL_DPV_UTEN_REVARSEL', varselTransportType: 'EpostOgSMS', dagerTilSvarfrist: 7 } })).toEqual([]);
    expect(checkBusinessMessage(of('digital_dpv', { tittel: 't', sammendrag: 's', innhold: 'i', dpv: { varselTransportType: 'Brevdue', dagerTilSvarfrist: 1.5 } })))
      .toEqual([
        {
          field: 'digital_dpv.dpv.varselTransportType', code: 'OneOf', rejectedValue: 'Brevdue',
          message: "'Brevdue' is not expected. Allowed values are: [EpostOgSMS, Epost, SMS]",
        },
        { field: 'digital_dpv.dpv.dagerTilSvarfrist', code: 'typeMismatch', message: 'must be a whole number', rejectedValue: 1.5 },
      ]);
  });

  it('accepts a complete digital message and names each missing required field', () => {
    expect(fields('digital', DIGITAL)).toEqual([]);
    expect(fields('digital', {})).toEqual(['digital.sikkerhetsnivaa', 'digital.hoveddokument', 'digital.tittel', 'digital.spraak', 'digital.digitalPostInfo']);
    expect(fields('digital', { ...DIGITAL, spraak: 'norsk', digitalPostInfo: { virkningsdato: '2019-02-30' } }))
      .toEqual(['digital.spraak', 'digital.digitalPostInfo.virkningsdato', 'digital.digitalPostInfo.aapningskvittering']);
  });

  it('reads strings as Jackson coerces them: "false" and "3" pass, "maybe" does not', () => {
    const coerced = { ...DIGITAL, sikkerhetsnivaa: '3', digitalPostInfo: { virkningsdato: '2019-04-01', aapningskvittering: 'false' } };
    expect(fields('digital', coerced)).toEqual([]);
    expect(fields('digital', { ...DIGITAL, sikkerhetsnivaa: 'tre', digitalPostInfo: { virkningsdato: '2019-04-01', aapningskvittering: 'maybe' } }))
      .toEqual(['digital.sikkerhetsnivaa', 'digital.digitalPostInfo.aapningskvittering']);
  });

  it('checks print enums and addresses', () => {
    expect(fields('print', { hoveddokument: 'a.pdf', utskriftsfarge: 'SORT_HVIT', posttype: 'B_OEKONOMI', retur: { returhaandtering: 'DIREKTE_RETUR' } })).toEqual([]);
    expect(fields('print', { utskriftsfarge: 'LILLA', mottaker: { postnummer: 3400 } })).toEqual(['print.hoveddokument', 'print.utskriftsfarge', 'print.mottaker.postnummer']);
  });

  it('checks the eInnsyn, avtalt, status and receipt types', () => {
    expect(fields('innsynskrav', { orgnr: '910077473' })).toEqual(['innsynskrav.epost']);
    expect(fields('publisering', {})).toEqual(['publisering.orgnr']);
    expect(fields('einnsyn_kvittering', { dokumentId: 'd', status: '{}', referanseType: 'x' })).toEqual(['einnsyn_kvittering.referanseType']);
    expect(fields('avtalt', { identifier: 'a', content: 'text' })).toEqual(['avtalt.content']);
    expect(fields('status', { status: 'LEST' })).toEqual(['status.status']);
    expect(fields('arkivmelding_kvittering', { receiptType: 'OK', relatedToMessageId: 'm', messages: [{ code: 1 }] }))
      .toEqual(['arkivmelding_kvittering.messages[0].code']);
    expect(fields('dialogmelding_kvittering', { relatedToMessageId: 'm', status: 'OK_ERROR_IN_MESSAGE_PART' })).toEqual([]);
  });

  it('needs a valid patient fnr on a dialogmelding, synthetic only with the switch', () => {
    const dialog = (fnr: string) => ({ hoveddokument: 'a.pdf', pasient: { fnr, fornavn: 'Ola', etternavn: 'Nordmann' } });
    expect(fields('dialogmelding', dialog('09118532322'))).toEqual([]);
    expect(fields('dialogmelding', dialog('12345678901'))).toEqual(['dialogmelding.pasient.fnr']);
    expect(fields('dialogmelding', dialog('17912099997'))).toEqual(['dialogmelding.pasient.fnr']);
    expect(fields('dialogmelding', dialog('17912099997'), { allowSynthetic: true })).toEqual([]);
  });

  it('does not repeat the patient fnr in the problem, since problems may be logged', () => {
    const [problem] = checkBusinessMessage(of('dialogmelding', { hoveddokument: 'a', pasient: { fnr: '17912099997', fornavn: 'O', etternavn: 'N' } }));
    expect(JSON.stringify(problem)).not.toContain('17912099997');
  });
});
