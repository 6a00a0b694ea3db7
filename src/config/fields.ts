// Field descriptors: each one knows its type, default, reference aliases and how to read a raw value.
// The schema is built from these, and the `Config` type is derived from them (see schema.ts), so a
// setting's name, type and default are written exactly once.
import { parseDateTime } from '../domain/index.js';

/** A value as it arrives from a file or the environment, before placeholders are resolved. */
export type RawValue = string | readonly string[];

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** A duration in milliseconds. Keys that accept durations take `500ms`, `10s`, `5m`, `1h`, `1d` or ISO `PT5M`. */
export type Milliseconds = number;
/** A size in bytes. Keys that accept sizes take `5MB`, `1GB` (binary units, as Spring's DataSize) or plain bytes. */
export type Bytes = number;

export interface Field<T, O extends boolean = boolean> {
  readonly kind: 'field';
  /** Shown in `describeSettings()`. */
  readonly type: string;
  /** An optional field may be unset (its value is then `undefined`); an empty value unsets it. */
  readonly optional: O;
  /** The value is never echoed in a problem or warning. */
  readonly secret: boolean;
  /** Raw default, in the same syntax as a file value, so it may hold `${…}` placeholders. */
  readonly default: RawValue | undefined;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly parse: (raw: RawValue) => Parsed<T>;
  /** Set on lists whose reference form is a list of objects (`key[0].field=…`); see ObjectItems. */
  readonly objectItems?: ObjectItems;
}

/**
 * How a list written as objects becomes the plain items our lists hold: each object's fields (by relaxed
 * name) make one item. Spring binds a list of beans from `key[0].orgId=…` (`by: 'index'`, the default)
 * and a map of beans from `key.<name>.username=…` (`by: 'name'`, the name passed to toItem).
 */
export interface ObjectItems {
  readonly fields: readonly string[];
  readonly by?: 'index' | 'name';
  toItem(fields: Readonly<Record<string, string>>, name: string): string;
}

export type AnyField = Field<unknown, boolean>;

export interface FieldOptions {
  description: string;
  default?: string | number | boolean | readonly string[];
  aliases?: readonly string[];
  secret?: boolean;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (message: string): Parsed<never> => ({ ok: false, message });

function makeField<T>(type: string, options: FieldOptions, parse: (raw: RawValue) => Parsed<T>): Field<T, false> {
  const d = options.default;
  return {
    kind: 'field',
    type,
    optional: false,
    secret: options.secret ?? false,
    default: d === undefined ? undefined : Array.isArray(d) ? [...(d as readonly string[])] : String(d),
    aliases: options.aliases ?? [],
    description: options.description,
    parse,
  };
}

/** A scalar reader: rejects lists, trims, and refuses an empty value. */
function scalar<T>(read: (text: string) => Parsed<T>, keepSpaces = false): (raw: RawValue) => Parsed<T> {
  return (raw) => {
    if (typeof raw !== 'string') return fail('expected a single value, not a list');
    const text = keepSpaces ? raw : raw.trim();
    if (text === '') return fail('must not be empty');
    return read(text);
  };
}

export function optional<T>(field: Field<T, false>): Field<T, true> {
  return { ...field, optional: true };
}

export function isField(node: unknown): node is AnyField {
  return typeof node === 'object' && node !== null && (node as { kind?: unknown }).kind === 'field';
}

export function int(options: FieldOptions & { min?: number; max?: number }): Field<number, false> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  return makeField('integer', options, scalar((text) => {
    if (!/^[+-]?\d+$/.test(text)) return fail('must be a whole number');
    const n = Number(text);
    if (n < min || n > max) return fail(`must be between ${min} and ${max}`);
    return ok(n);
  }));
}

// Spring's StringToBooleanConverter accepts these spellings, so a reference properties file may use them.
const TRUE_WORDS = new Set(['true', 'on', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'off', 'no', '0']);

export function bool(options: FieldOptions): Field<boolean, false> {
  return makeField('boolean', options, scalar((text) => {
    const t = text.toLowerCase();
    if (TRUE_WORDS.has(t)) return ok(true);
    if (FALSE_WORDS.has(t)) return ok(false);
    return fail('must be true or false');
  }));
}

export function str(options: FieldOptions & { pattern?: RegExp }): Field<string, false> {
  const { pattern } = options;
  return makeField('string', options, scalar((text) => {
    if (pattern && !pattern.test(text)) return fail(`must match ${pattern.source}`);
    return ok(text);
  }, options.secret === true));
}

export function orgnr(options: FieldOptions): Field<string, false> {
  return makeField('organisation number', options, scalar((text) =>
    /^\d{9}$/.test(text) ? ok(text) : fail('must be exactly 9 digits')));
}

export function url(options: FieldOptions): Field<string, false> {
  return makeField('URL', options, scalar((text) => {
    if (!URL.canParse(text)) return fail('must be an absolute http(s) URL');
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:' ? ok(text) : fail('must be an absolute http(s) URL');
  }));
}

/** An ISO-8601 instant; without an offset it is Oslo local time (api notes §1.1). Kept as a UTC ISO string. */
export function instant(options: FieldOptions): Field<string, false> {
  return makeField('instant', options, scalar((text) => {
    const date = parseDateTime(text);
    return date ? ok(date.toISOString()) : fail('must be an ISO-8601 instant such as 2019-03-25T11:38:23Z');
  }));
}

export function enumOf<const V extends string>(
  values: readonly V[],
  options: FieldOptions & { synonyms?: Readonly<Record<string, V>> },
): Field<V, false> {
  return makeField(`one of ${values.join(', ')}`, options, scalar((text) => {
    const found = matchName(values, text) ?? options.synonyms?.[text.toLowerCase()];
    return found === undefined ? fail(`must be one of ${values.join(', ')}`) : ok(found);
  }));
}

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** Spring's DataSize units are binary: 1GB = 1024^3 bytes. */
export function size(options: FieldOptions): Field<Bytes, false> {
  return makeField('size', options, scalar((text) => {
    const m = /^(\d+)\s*([a-zA-Z]{0,2})$/.exec(text);
    const factor = m ? SIZE_UNITS[(m[2] || 'B').toUpperCase()] : undefined;
    if (!m || factor === undefined) return fail('must be a size such as 5MB, 1GB or a number of bytes');
    return safeProduct(Number(m[1]), factor);
  }));
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/i;

/** A plain number is read in `unit` (milliseconds unless said otherwise), as Spring's @DurationUnit. */
export function duration(options: FieldOptions & { unit?: 'ms' | 's' | 'm' | 'h' }): Field<Milliseconds, false> {
  const plainUnit = DURATION_UNITS[options.unit ?? 'ms'] ?? 1;
  return makeField('duration', options, scalar((text) => {
    const simple = /^(\d+)\s*(ms|s|m|h|d)?$/i.exec(text);
    if (simple) {
      const unit = simple[2] ? DURATION_UNITS[simple[2].toLowerCase()] : plainUnit;
      return safeProduct(Number(simple[1]), unit ?? 1);
    }
    const iso = ISO_DURATION.exec(text);
    if (iso && text.toUpperCase() !== 'P' && !text.toUpperCase().endsWith('T')) {
      const [, d, h, m, s] = iso;
      const ms = Number(d ?? 0) * 86_400_000 + Number(h ?? 0) * 3_600_000 + Number(m ?? 0) * 60_000 + Number(s ?? 0) * 1000;
      return safeProduct(Math.round(ms), 1);
    }
    return fail('must be a duration such as 500ms, 10s, 5m, 1h or PT5M');
  }));
}

/**
 * A list: from `key[0]=…` entries, a YAML array or a comma-separated string. With `items`, each element
 * must be one of them (matched case-insensitively, returned in the listed spelling).
 */
export function list<const V extends string = string>(options: FieldOptions & { items?: readonly V[]; objectItems?: ObjectItems }): Field<readonly V[], false> {
  const { items, objectItems } = options;
  const field = makeField(items ? `list of ${items.join(', ')}` : 'list', options, (raw) => {
    const parts = (typeof raw === 'string' ? raw.split(',') : raw).map((s) => s.trim()).filter((s) => s !== '');
    if (!items) return ok(parts as V[]);
    const out: V[] = [];
    for (const part of parts) {
      const found = matchName(items, part);
      if (found === undefined) return fail(`"${part}" is not one of ${items.join(', ')}`);
      out.push(found);
    }
    return ok(out);
  });
  return objectItems === undefined ? field : { ...field, objectItems };
}

function matchName<V extends string>(values: readonly V[], text: string): V | undefined {
  const lower = text.toLowerCase();
  return values.find((v) => v.toLowerCase() === lower);
}

function safeProduct(n: number, factor: number): Parsed<number> {
  const value = n * factor;
  return Number.isSafeInteger(value) ? ok(value) : fail('is too large');
}
