import { describe, expect, it } from 'vitest';
import { formatOslo, parseDateTime } from '../../src/domain/time.js';

describe('formatOslo / parseDateTime', () => {
  it('renders instants in Oslo time with the offset of the season', () => {
    expect(formatOslo(new Date('2019-03-25T11:38:23Z'))).toBe('2019-03-25T12:38:23+01:00');
    expect(formatOslo(new Date('2019-05-12T20:00:00Z'))).toBe('2019-05-12T22:00:00+02:00');
    expect(formatOslo(new Date('2019-05-12T20:00:00.250Z'))).toBe('2019-05-12T22:00:00.250+02:00');
  });

  it('reads a date-time without offset as Oslo local time, also across the DST switch', () => {
    expect(parseDateTime('2019-03-25T12:38:23')?.toISOString()).toBe('2019-03-25T11:38:23.000Z');
    expect(parseDateTime('2019-07-01T12:00')?.toISOString()).toBe('2019-07-01T10:00:00.000Z');
    expect(parseDateTime('2019-03-31T03:30:00')?.toISOString()).toBe('2019-03-31T01:30:00.000Z');
    expect(parseDateTime('2019-03-25T12:38:23+01:00')?.toISOString()).toBe('2019-03-25T11:38:23.000Z');
  });

  it('refuses what is no date-time, including days that do not exist', () => {
    for (const bad of ['2019-02-30T10:00', '2019-13-01T00:00', '2019-01-01T24:30', 'tomorrow', '2019-01-01']) {
      expect(parseDateTime(bad), bad).toBeUndefined();
    }
  });
});
