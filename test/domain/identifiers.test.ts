import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  isOrganisationNumber, isPersonIdentifier, maskIdentifier, normaliseOnBehalfOf, parsePartnerIdentifier,
  parsePersonIdentifier, primaryIdentifier, recordedSenderIdentifier, type PartnerIdentifier,
} from '../../src/domain/index.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function iso(value: string): PartnerIdentifier {
  const id = parsePartnerIdentifier(value);
  if (!id) throw new Error(`test vector ${value} did not parse`);
  return id;
}

describe('isOrganisationNumber', () => {
  it('accepts nine digits without checking the mod-11 digit (addressing notes §10.1)', () => {
    for (const v of ['974760673', '991825827', '910075918', '314244370', '987654321', '123456789']) expect(isOrganisationNumber(v)).toBe(true);
  });

  it('refuses other lengths and non-digits', () => {
    for (const v of ['97476067', '9747606730', '97476067a', '0192:974760673', '']) expect(isOrganisationNumber(v)).toBe(false);
  });
});

describe('parsePersonIdentifier', () => {
  it('accepts the valid real vectors of §10.3 without the synthetic flag', () => {
    for (const v of ['08089409382', '06068700602', '27126900142', '09118532322']) expect(isPersonIdentifier(v)).toBe(true);
  });

  it('refuses numbers whose control digits are wrong', () => {
    for (const v of ['08089409381', '12345678901']) {
      expect(isPersonIdentifier(v)).toBe(false);
      expect(isPersonIdentifier(v, { allowSynthetic: true })).toBe(false);
    }
  });

  it('accepts synthetic Tenor numbers only with allowSynthetic', () => {
    for (const v of ['17912099997', '57912075186']) {
      expect(isPersonIdentifier(v)).toBe(false);
      expect(parsePersonIdentifier(v, { allowSynthetic: true })).toMatchObject({ isSynthetic: true });
    }
  });

  it('marks a D-number (day + 40)', () => {
    expect(parsePersonIdentifier('57912075186', { allowSynthetic: true })?.isDNumber).toBe(true);
    expect(parsePersonIdentifier('08089409382')?.isDNumber).toBe(false);
  });

  it('accepts the NHN (+65), Digdir (+20) and NAV (+40) month offsets only with allowSynthetic', () => {
    // 15.06.65 with each offset on the month, control digits computed for each.
    for (const v of ['15716500028', '15236500087', '15436500073']) {
      expect(isPersonIdentifier(v)).toBe(false);
      expect(isPersonIdentifier(v, { allowSynthetic: true })).toBe(true);
    }
  });

  it('refuses a month or day outside every range even with valid control digits', () => {
    expect(isPersonIdentifier('01139400085', { allowSynthetic: true })).toBe(false); // month 13
    expect(isPersonIdentifier('00319400052', { allowSynthetic: true })).toBe(false); // day 00
  });

  it('refuses anything but eleven digits', () => {
    for (const v of ['0808940938', '080894093822', '0808940938a']) expect(isPersonIdentifier(v)).toBe(false);
  });
});

describe('parsePartnerIdentifier', () => {
  it('reads a bare orgnr as 0192:<orgnr>', () => {
    expect(iso('910077473')).toEqual({ kind: 'iso6523', value: '0192:910077473', icd: '0192', organisationIdentifier: '910077473' });
  });

  it('reads an ISO 6523 value with a part and a source indicator', () => {
    expect(iso('0192:987654321:MP//Vergemålsetaten:1')).toEqual({
      kind: 'iso6523', value: '0192:987654321:MP//Vergemålsetaten:1', icd: '0192',
      organisationIdentifier: '987654321', partIdentifier: 'MP//Vergemålsetaten', sourceIndicator: '1',
    });
  });

  it('keeps the legacy ICD 9908 the reference still knows, and refuses an unknown ICD', () => {
    expect(iso('9908:910077473')).toMatchObject({ icd: '9908', organisationIdentifier: '910077473' });
    expect(parsePartnerIdentifier('1234:910077473')).toBeUndefined();
  });

  it('reads an 11-digit value as a person and a UUID as a FIKS IO account', () => {
    expect(iso('09118532322')).toMatchObject({ kind: 'person', value: '09118532322' });
    expect(iso('A9B1C3D4-0000-4000-8000-000000000001')).toEqual({ kind: 'fiksio', value: 'a9b1c3d4-0000-4000-8000-000000000001' });
  });

  it('reads NHN identifiers under nhn-actorid only', () => {
    expect(parsePartnerIdentifier('her-id:8142987', 'nhn-actorid')).toEqual({ kind: 'nhn', value: 'her-id:8142987', form: 'her-id', id: '8142987' });
    expect(parsePartnerIdentifier('fastlege-for:09118532322', 'nhn-actorid')).toMatchObject({ form: 'fastlege-for', id: '09118532322' });
    expect(parsePartnerIdentifier('her-id:8142987')).toBeUndefined();
    expect(parsePartnerIdentifier('her-id:0', 'nhn-actorid')).toBeUndefined();
    expect(parsePartnerIdentifier('fastlege-for:12345678901', 'nhn-actorid')).toBeUndefined();
  });

  it('refuses an unknown authority and garbage', () => {
    expect(parsePartnerIdentifier('910077473', 'some-authority')).toBeUndefined();
    expect(parsePartnerIdentifier('not an id')).toBeUndefined();
    expect(parsePartnerIdentifier('0192:')).toBeUndefined();
  });
});

describe('primaryIdentifier', () => {
  it('is the orgnr for ISO 6523, the value otherwise', () => {
    expect(primaryIdentifier(iso('0192:910077473:910075918'))).toBe('910077473');
    expect(primaryIdentifier(iso('0192:17912099997'))).toBe('17912099997');
    expect(primaryIdentifier(iso('09118532322'))).toBe('09118532322');
    const nhn = parsePartnerIdentifier('her-id:42', 'nhn-actorid');
    expect(nhn && primaryIdentifier(nhn)).toBe('her-id:42');
  });

  it('records the on-behalf-of part as the sender of an out-message', () => {
    expect(recordedSenderIdentifier(iso('0192:910077473:910075918'))).toBe('910075918');
    expect(recordedSenderIdentifier(iso('0192:910077473'))).toBe('910077473');
  });
});

describe('normaliseOnBehalfOf', () => {
  it('rewrites another organisation to 0192:<own>:<other> and names it', () => {
    const result = normaliseOnBehalfOf(iso('0192:910075918'), '910077473');
    expect(result.identifier.value).toBe('0192:910077473:910075918');
    expect(result.onBehalfOf).toBe('910075918');
  });

  it('keeps the own organisation as it is', () => {
    const own = iso('0192:910077473');
    expect(normaliseOnBehalfOf(own, '910077473')).toEqual({ identifier: own });
    expect(normaliseOnBehalfOf(iso('9908:910077473'), '910077473').identifier.value).toBe('9908:910077473');
  });

  it('keeps the legacy on-behalf form and returns its part', () => {
    const legacy = iso('0192:910077473:910075918');
    expect(normaliseOnBehalfOf(legacy, '910077473')).toEqual({ identifier: legacy, onBehalfOf: '910075918' });
  });

  it('leaves persons and NHN ids alone', () => {
    const person = iso('09118532322');
    expect(normaliseOnBehalfOf(person, '910077473')).toEqual({ identifier: person });
  });
});

describe('maskIdentifier', () => {
  it('replaces an 11-digit person number by its SHA-256 hex', () => {
    expect(maskIdentifier('09118532322')).toBe(sha256('09118532322'));
  });

  it('masks a person number inside a longer value and leaves orgnrs readable', () => {
    expect(maskIdentifier('fastlege-for:09118532322')).toBe(`fastlege-for:${sha256('09118532322')}`);
    expect(maskIdentifier('0192:910077473')).toBe('0192:910077473');
    expect(maskIdentifier('x123456789012y')).toBe('x123456789012y');
  });
});
