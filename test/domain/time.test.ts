import { describe, expect, it } from 'vitest';
import { formatOslo, osloOffsetMinutes, parseDateTime } from '../../src/domain/time.js';

/** The offset as ICU's tz data gives it, the independent reference for the hand-written rule. */
const icuFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});
function icuOffsetMinutes(date: Date): number {
  const part = (type: string): number => Number(icuFormat.formatToParts(date).find((x) => x.type === type)?.value);
  const local = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

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

  it('gives the offset ICU gives, every 15 minutes around each switch from 1996 to 2040, and at random instants since 1970', () => {
    const instants: Date[] = [];
    for (let year = 1996; year <= 2040; year++) {
      for (const month of [2, 9]) {
        const lastDay = new Date(Date.UTC(year, month + 1, 0));
        const switchAt = Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
        for (let t = switchAt - 3 * 3600_000; t <= switchAt + 3 * 3600_000; t += 15 * 60_000) instants.push(new Date(t));
      }
    }
    for (let i = 0; i < 5_000; i++) instants.push(new Date(Date.UTC(1970, 0, 1) + Math.floor(Math.random() * 130 * 365.25 * 86_400_000)));
    const wrong = instants.filter((d) => osloOffsetMinutes(d) !== icuOffsetMinutes(d)).map((d) => d.toISOString());
    expect(wrong).toEqual([]);
  });

  it('renders the switch nights as Oslo clocks show them', () => {
    expect(formatOslo(new Date('2024-03-31T00:59:59Z'))).toBe('2024-03-31T01:59:59+01:00');
    expect(formatOslo(new Date('2024-03-31T01:00:00Z'))).toBe('2024-03-31T03:00:00+02:00');
    expect(formatOslo(new Date('2024-10-27T00:59:59Z'))).toBe('2024-10-27T02:59:59+02:00');
    expect(formatOslo(new Date('2024-10-27T01:00:00Z'))).toBe('2024-10-27T02:00:00+01:00');
    expect(formatOslo(new Date('1985-07-01T10:00:00Z'))).toBe('1985-07-01T12:00:00+02:00');
    expect(formatOslo(new Date('2023-12-31T23:30:00Z'))).toBe('2024-01-01T00:30:00+01:00');
  });
});
