import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { UpdateSetupError } from '../../src/update/errors.js';
import { parseMaintenanceWindow } from '../../src/update/maintenance-window.js';

const at = (iso: string) => new Date(iso);

// Europe/Oslo local time: 2026-03-29 is the switch to summer time (UTC+1 → UTC+2).
describe('parseMaintenanceWindow', () => {
  it('holds weekday windows in Oslo time, on both sides of the DST switch', () => {
    const w = parseMaintenanceWindow('MON-FRI 02:00-04:00');
    expect(w.contains(at('2026-03-27T01:30:00Z'))).toBe(true); // Fri 02:30 CET
    expect(w.contains(at('2026-03-27T03:30:00Z'))).toBe(false); // Fri 04:30 CET
    expect(w.contains(at('2026-03-30T00:30:00Z'))).toBe(true); // Mon 02:30 CEST (01:30 in UTC+1)
    expect(w.contains(at('2026-03-30T02:00:00Z'))).toBe(false); // Mon 04:00 CEST, the end is exclusive
    expect(w.contains(at('2026-03-28T01:30:00Z'))).toBe(false); // Sat
  });

  it('lets a window cross midnight, opening on the named day', () => {
    const w = parseMaintenanceWindow('FRI 22:00-02:00');
    expect(w.contains(at('2026-03-27T21:30:00Z'))).toBe(true); // Fri 22:30
    expect(w.contains(at('2026-03-28T00:30:00Z'))).toBe(true); // Sat 01:30
    expect(w.contains(at('2026-03-26T21:30:00Z'))).toBe(false); // Thu 22:30
    expect(w.contains(at('2026-03-29T00:30:00Z'))).toBe(false); // Sun 01:30
  });

  it('takes several windows, day lists and every day when no days are given', () => {
    const w = parseMaintenanceWindow('SAT,SUN 10:00-12:00; 03:00–03:30');
    expect(w.contains(at('2026-03-28T09:30:00Z'))).toBe(true); // Sat 10:30
    expect(w.contains(at('2026-03-27T09:30:00Z'))).toBe(false); // Fri 10:30
    expect(w.contains(at('2026-03-25T02:10:00Z'))).toBe(true); // Wed 03:10
  });

  it('gives a cron pattern for each opening, with croner day numbers', () => {
    const w = parseMaintenanceWindow('MON-FRI 02:00-04:00; SUN-TUE 23:30-01:00');
    expect(w.openings()).toEqual(['0 0 2 * * 1,2,3,4,5', '0 30 23 * * 0,1,2']);
    const next = new Cron(w.openings()[0] ?? '', { paused: true, timezone: 'Europe/Oslo' }).nextRun(at('2026-03-28T12:00:00Z'));
    expect(next?.toISOString()).toBe('2026-03-30T00:00:00.000Z'); // Monday 02:00 CEST
  });

  it('refuses what it cannot read', () => {
    for (const text of ['', 'MON 02:00', '25:00-26:00', 'FUNDAY 01:00-02:00', '02:00-02:00', 'MON-TUE-WED 01:00-02:00', '24:00-01:00']) {
      expect(() => parseMaintenanceWindow(text), text).toThrow(UpdateSetupError);
    }
  });
});
