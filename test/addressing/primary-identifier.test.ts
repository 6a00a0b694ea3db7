import { describe, expect, it } from 'vitest';
import { primaryIdentifier } from '../../src/addressing/primary-identifier.js';

describe(primaryIdentifier.name, () => {
  it.each([
    ['0192:910077473', '910077473'],
    ['910077473', '910077473'],
    ['0192:987654321:MP//Vergemålsetaten:1', '987654321'],
    ['0192:987654321:avdeling', '987654321'],
    ['iso6523-actorid-upis::0192:910075918', '910075918'],
    [' 0192:910077473 ', '910077473'],
  ])('strips the ICD and any part from %s', (value, expected) => {
    expect(primaryIdentifier(value)).toBe(expected);
  });

  it.each(['17912099997', 'her-id:8094866', 'fastlege-for:17912099997', '7e4b6b9b-3c2a-4a3e-9f0e-1a2b3c4d5e6f'])(
    'leaves %s as it is',
    (value) => {
      expect(primaryIdentifier(value)).toBe(value);
    },
  );
});
