import { describe, expect, it } from 'vitest';
import { toAdresseInformasjon } from '../../../src/transports/dpi/postal-address.js';

// transports notes §5.3: Norwegian addresses keep postnummer and poststed and drop the country; foreign
// ones fold the postal code into the first free address line after the first and name the country.

describe(toAdresseInformasjon.name, () => {
  it('keeps a Norwegian address\'s postal code and place and drops the country, however Norway is written', () => {
    for (const land of ['Norway', 'NORGE', 'noreg']) {
      expect(toAdresseInformasjon({ navn: 'Ola', adresselinje1: 'Gate 1', postnummer: '0150', poststed: 'Oslo', land })).toEqual({ navn: 'Ola', adresselinje1: 'Gate 1', postnummer: '0150', poststed: 'Oslo' });
    }
    expect(toAdresseInformasjon({ navn: 'Ola', adresselinje1: 'Gate 1', postnummer: '0150', poststed: 'Oslo', landkode: 'no' })).toEqual({ navn: 'Ola', adresselinje1: 'Gate 1', postnummer: '0150', poststed: 'Oslo' });
  });

  it('treats an address without country as Norwegian, where the reference would fold it and fail the schema', () => {
    expect(toAdresseInformasjon({ navn: 'Ola', adresselinje1: 'Gate 1', postnummer: '0150', poststed: 'Oslo', land: '' })).toEqual({ navn: 'Ola', adresselinje1: 'Gate 1', postnummer: '0150', poststed: 'Oslo' });
  });

  it('folds a foreign postal code into the first free line from the second on, and appends to the fourth when all are taken', () => {
    expect(toAdresseInformasjon({ navn: 'A', adresselinje1: 'L1', adresselinje3: 'L3', postnummer: '1000', poststed: 'Bruxelles', land: 'Belgia' }))
      .toEqual({ navn: 'A', adresselinje1: 'L1', adresselinje2: '1000 Bruxelles', adresselinje3: 'L3', land: 'Belgia' });
    expect(toAdresseInformasjon({ navn: 'A', adresselinje1: 'L1', adresselinje2: 'L2', adresselinje3: 'L3', adresselinje4: 'L4', poststed: 'Paris', landkode: 'FR' }))
      .toEqual({ navn: 'A', adresselinje1: 'L1', adresselinje2: 'L2', adresselinje3: 'L3', adresselinje4: 'L4 Paris', landkode: 'FR' });
  });

  it('leaves out empty fields', () => {
    expect(toAdresseInformasjon({ navn: 'A', adresselinje1: 'L1', adresselinje2: '  ', postnummer: '', poststed: null, land: 'Sverige' })).toEqual({ navn: 'A', adresselinje1: 'L1', land: 'Sverige' });
  });
});
