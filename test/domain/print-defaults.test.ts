import { describe, expect, it } from 'vitest';
import {
  MissingAddressInformationError, applyPrintDefaults, businessMessageOf, validateForCreate, type RegistryPostAddress,
} from '../../src/domain/index.js';
import { HARNESS_NOW, OWN_ORG, sbd } from './builders.js';

const print = (business: Record<string, unknown>, receiver: string | null = '09118532322') => sbd({
  type: 'print', standard: 'urn:no:difi:digitalpost:xsd:fysisk::print', process: 'urn:no:difi:profile:digitalpost:info:ver1.0',
  receiver, business: { hoveddokument: 'a.pdf', ...business },
});

const FOLKEREGISTERET: RegistryPostAddress = { name: 'Ola Nordmann', street: 'Fjellveien 1;Langt oppi lia', postalCode: '3400', postalArea: 'FJELLET', country: 'Norge' };
const ENHETSREGISTERET: RegistryPostAddress = { name: 'Etaten', street: 'Postboks 1', postalCode: '0195', postalArea: 'Oslo', country: null };

describe(applyPrintDefaults.name, () => {
  it('fills print settings and both addresses from the registry when the receiver is known', () => {
    const out = applyPrintDefaults(print({}), { postAddress: FOLKEREGISTERET, returnAddress: ENHETSREGISTERET });
    expect(businessMessageOf(out)).toEqual({
      hoveddokument: 'a.pdf',
      utskriftsfarge: 'SORT_HVIT',
      posttype: 'B_OEKONOMI',
      mottaker: { navn: 'Ola Nordmann', adresselinje1: 'Fjellveien 1', adresselinje2: 'Langt oppi lia', postnummer: '3400', poststed: 'FJELLET', land: 'Norge' },
      retur: { returhaandtering: 'DIREKTE_RETUR', mottaker: { navn: 'Etaten', adresselinje1: 'Postboks 1', postnummer: '0195', poststed: 'Oslo' } },
    });
  });

  it('keeps what the client gave and fills only empty fields', () => {
    const out = applyPrintDefaults(print({ posttype: 'A_PRIORITERT', mottaker: { navn: 'Kari', adresselinje1: 'Gata 2', postnummer: '' } }), { postAddress: FOLKEREGISTERET });
    expect(businessMessageOf(out)?.posttype).toBe('A_PRIORITERT');
    expect(businessMessageOf(out)?.mottaker).toEqual({ navn: 'Kari', adresselinje1: 'Gata 2', postnummer: '3400', poststed: 'FJELLET', land: 'Norge' });
  });

  it('fills no address without a receiver, so the create rules refuse an incomplete one', () => {
    const out = applyPrintDefaults(print({ mottaker: { navn: 'Ola', land: 'Norway' } }, null), { postAddress: FOLKEREGISTERET });
    expect(businessMessageOf(out)?.mottaker).toEqual({ navn: 'Ola', land: 'Norway' });
    expect(() => validateForCreate(out, { ownOrgNumber: OWN_ORG, serviceIdentifier: 'DPI', enabledServices: ['DPI'], now: HARNESS_NOW }))
      .toThrow(MissingAddressInformationError);
  });

  it('leaves an empty return post code empty when the registry has no address (utskrift feature, scenario 2)', () => {
    const retur = { mottaker: { navn: 'Dr', adresselinje1: 'Sadistveien 1', postnummer: '', poststed: '', land: 'Norge' }, returhaandtering: 'DIREKTE_RETUR' };
    const mottaker = { navn: 'Ola', adresselinje1: 'Fjellveien 1', postnummer: '3400', poststed: 'FJELLET', land: 'Norway' };
    const out = applyPrintDefaults(print({ mottaker, retur }), { postAddress: null, returnAddress: null });
    expect(() => validateForCreate(out, { ownOrgNumber: OWN_ORG, serviceIdentifier: 'DPI', enabledServices: ['DPI'], now: HARNESS_NOW }))
      .toThrow(new MissingAddressInformationError('retur.postnummer/poststed/adresselinje1'));
  });

  it('changes nothing but the copy for other types', () => {
    const input = sbd();
    const out = applyPrintDefaults(input, { postAddress: FOLKEREGISTERET });
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
  });
});
