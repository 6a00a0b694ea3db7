import { describe, expect, it } from 'vitest';
import type { Field, Parsed } from '../../src/config/fields.js';
import { bool, duration, enumOf, instant, int, list, orgnr, size, str, url } from '../../src/config/fields.js';

const value = <T>(result: Parsed<T>): T => {
  if (!result.ok) throw new Error(`expected a value, got: ${result.message}`);
  return result.value;
};
const message = <T>(result: Parsed<T>): string => {
  if (result.ok) throw new Error(`expected a problem, got ${JSON.stringify(result.value)}`);
  return result.message;
};
const parse = <T>(field: Field<T, boolean>, raw: string | string[]) => field.parse(raw);
const d = { description: 'test' };

describe(size.name, () => {
  it('reads units as binary multiples, as Spring DataSize', () => {
    const f = size(d);
    expect(value(parse(f, '1GB'))).toBe(1024 ** 3);
    expect(value(parse(f, '250MB'))).toBe(250 * 1024 ** 2);
    expect(value(parse(f, '5mb'))).toBe(5 * 1024 ** 2);
    expect(value(parse(f, '18 MB'))).toBe(18 * 1024 ** 2);
    expect(value(parse(f, '2KB'))).toBe(2048);
    expect(value(parse(f, '1234'))).toBe(1234);
    expect(value(parse(f, '10B'))).toBe(10);
  });

  it('refuses unknown units, fractions and empty text', () => {
    const f = size(d);
    expect(message(parse(f, '1XB'))).toMatch(/size/);
    expect(message(parse(f, '1.5GB'))).toMatch(/size/);
    expect(message(parse(f, ' '))).toMatch(/empty/);
    expect(message(parse(f, '99999999999TB'))).toMatch(/too large/);
  });
});

describe(duration.name, () => {
  it('reads suffixed, ISO-8601 and plain values (plain in the field unit)', () => {
    expect(value(parse(duration(d), '500ms'))).toBe(500);
    expect(value(parse(duration(d), '10s'))).toBe(10_000);
    expect(value(parse(duration(d), '5m'))).toBe(300_000);
    expect(value(parse(duration(d), '1h'))).toBe(3_600_000);
    expect(value(parse(duration(d), '2d'))).toBe(172_800_000);
    expect(value(parse(duration(d), 'PT5M'))).toBe(300_000);
    expect(value(parse(duration(d), 'pt1h30m'))).toBe(5_400_000);
    expect(value(parse(duration(d), 'PT0.25S'))).toBe(250);
    expect(value(parse(duration(d), '10000'))).toBe(10_000);
    expect(value(parse(duration({ ...d, unit: 's' }), '10'))).toBe(10_000);
  });

  it('refuses text that is no duration', () => {
    expect(message(parse(duration(d), 'soon'))).toMatch(/duration/);
    expect(message(parse(duration(d), 'PT'))).toMatch(/duration/);
    expect(message(parse(duration(d), '-5s'))).toMatch(/duration/);
  });
});

describe(bool.name, () => {
  it('accepts the spellings Spring accepts, in any case', () => {
    for (const t of ['true', 'TRUE', 'on', 'yes', '1']) expect(value(parse(bool(d), t))).toBe(true);
    for (const t of ['false', 'False', 'off', 'no', '0']) expect(value(parse(bool(d), t))).toBe(false);
  });

  it('refuses anything else and lists', () => {
    expect(message(parse(bool(d), 'maybe'))).toMatch(/true or false/);
    expect(message(parse(bool(d), ['true']))).toMatch(/single value/);
  });
});

describe(int.name, () => {
  it('reads whole numbers within bounds', () => {
    expect(value(parse(int({ ...d, min: 0, max: 65535 }), ' 9093 '))).toBe(9093);
    expect(message(parse(int({ ...d, min: 0, max: 65535 }), '70000'))).toMatch(/between 0 and 65535/);
    expect(message(parse(int(d), '12.5'))).toMatch(/whole number/);
  });
});

describe(list.name, () => {
  it('reads comma-separated text and arrays, dropping blanks', () => {
    expect(value(parse(list(d), 'a, b,,c '))).toEqual(['a', 'b', 'c']);
    expect(value(parse(list(d), ['x', ' y ']))).toEqual(['x', 'y']);
    expect(value(parse(list(d), ''))).toEqual([]);
  });

  it('matches listed items case-insensitively and returns their own spelling', () => {
    const f = list({ ...d, items: ['DPO', 'DPE'] });
    expect(value(parse(f, 'dpo,Dpe'))).toEqual(['DPO', 'DPE']);
    expect(message(parse(f, 'DPO,DPX'))).toMatch(/"DPX" is not one of DPO, DPE/);
  });
});

describe(enumOf.name, () => {
  it('matches case-insensitively, with synonyms', () => {
    const f = enumOf(['info', 'silent'], { ...d, synonyms: { off: 'silent' } });
    expect(value(parse(f, 'INFO'))).toBe('info');
    expect(value(parse(f, 'OFF'))).toBe('silent');
    expect(message(parse(f, 'loud'))).toMatch(/one of info, silent/);
  });
});

describe(instant.name, () => {
  it('reads an instant with an offset, and one without as Oslo local time', () => {
    expect(value(parse(instant(d), '2019-03-25T11:38:23Z'))).toBe('2019-03-25T11:38:23.000Z');
    expect(value(parse(instant(d), '2019-03-25T12:38:23'))).toBe('2019-03-25T11:38:23.000Z');
    expect(message(parse(instant(d), 'yesterday'))).toMatch(/ISO-8601/);
  });
});

describe(orgnr.name, () => {
  it('wants exactly nine digits and does not check mod 11', () => {
    expect(value(parse(orgnr(d), '987654321'))).toBe('987654321');
    expect(message(parse(orgnr(d), '12345678'))).toMatch(/9 digits/);
    expect(message(parse(orgnr(d), '0192:987654321'))).toMatch(/9 digits/);
  });
});

describe(url.name, () => {
  it('wants an absolute http(s) URL', () => {
    expect(value(parse(url(d), 'http://127.0.0.1:9099'))).toBe('http://127.0.0.1:9099');
    expect(message(parse(url(d), '127.0.0.1:2187'))).toMatch(/http/);
    expect(message(parse(url(d), 'ftp://example.com'))).toMatch(/http/);
  });
});

describe(str.name, () => {
  it('checks a pattern and keeps the spaces of a secret', () => {
    const channel = str({ ...d, pattern: /^[a-z]{0,3}$/ });
    expect(message(parse(channel, 'abcd'))).toMatch(/must match/);
    expect(value(parse(str({ ...d, secret: true }), ' pw '))).toBe(' pw ');
    expect(value(parse(str(d), ' text '))).toBe('text');
  });
});
