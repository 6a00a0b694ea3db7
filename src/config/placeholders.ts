// `${key}` and `${key:default}` placeholders, as Spring resolves them in properties values: against
// the merged keys (any spelling of a key), recursively, with nested placeholders in defaults.
import type { RawValue } from './fields.js';

export interface PlaceholderTarget {
  /** Stable name of the key, used for cycle detection and in messages. */
  id: string;
  /** Its raw value; undefined when the key is known but has no value. */
  raw: RawValue | undefined;
  secret: boolean;
}

export interface Resolved {
  value: RawValue;
  /** A secret's value went into this one, so it must not be echoed either. */
  tainted: boolean;
}

export interface PlaceholderErrorDetails {
  /** The placeholder names a known key that has no value. */
  unsetKey?: string;
  /** The key whose own value failed to resolve (it may differ from the key being resolved). */
  origin?: string;
  isCycle?: boolean;
}

export class PlaceholderError extends Error {
  readonly details: PlaceholderErrorDetails;
  constructor(message: string, details: PlaceholderErrorDetails = {}) {
    super(message);
    this.name = 'PlaceholderError';
    this.details = details;
  }
}

interface Text {
  text: string;
  tainted: boolean;
}

/** Returns a resolver that memoises each key's resolved value. */
export function createResolver(find: (name: string) => PlaceholderTarget | undefined): (id: string, raw: RawValue) => Resolved {
  const done = new Map<string, Resolved>();
  const stack: string[] = [];

  const resolveKey = (id: string, raw: RawValue): Resolved => {
    const memo = done.get(id);
    if (memo) return memo;
    if (stack.includes(id)) {
      throw new PlaceholderError(`placeholder cycle: ${[...stack.slice(stack.indexOf(id)), id].join(' → ')}`, { isCycle: true });
    }
    stack.push(id);
    try {
      const result = typeof raw === 'string' ? fromText(resolveText(raw)) : fromList(raw.map(resolveText));
      done.set(id, result);
      return result;
    } catch (error) {
      if (error instanceof PlaceholderError && !error.details.isCycle && error.details.origin === undefined) {
        throw new PlaceholderError(error.message, { ...error.details, origin: id });
      }
      throw error;
    } finally {
      stack.pop();
    }
  };

  const lookUp = (name: string, fallback: string | undefined): Text => {
    const target = find(name);
    if (target?.raw !== undefined) {
      const { value, tainted } = resolveKey(target.id, target.raw);
      return { text: typeof value === 'string' ? value : value.join(','), tainted: tainted || target.secret };
    }
    if (fallback !== undefined) return resolveText(fallback);
    throw new PlaceholderError(`\${${name}} names a key that has no value`, { unsetKey: target?.id });
  };

  const resolveText = (text: string): Text => {
    let out = '';
    let tainted = false;
    let i = 0;
    while (i < text.length) {
      const start = text.indexOf('${', i);
      if (start < 0) break;
      const end = closingBrace(text, start + 2);
      const { name, fallback } = splitDefault(text.slice(start + 2, end));
      const part = lookUp(name.trim(), fallback);
      out += text.slice(i, start) + part.text;
      tainted ||= part.tainted;
      i = end + 1;
    }
    return { text: out + text.slice(i), tainted };
  };

  return resolveKey;
}

function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text.startsWith('${', i)) {
      depth++;
      i++;
    } else if (text[i] === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw new PlaceholderError('a "${" has no closing "}"');
}

/** Splits `name:default` at the first colon outside a nested placeholder. */
function splitDefault(inner: string): { name: string; fallback: string | undefined } {
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner.startsWith('${', i)) {
      depth++;
      i++;
    } else if (inner[i] === '}') {
      depth--;
    } else if (inner[i] === ':' && depth === 0) {
      return { name: inner.slice(0, i), fallback: inner.slice(i + 1) };
    }
  }
  return { name: inner, fallback: undefined };
}

const fromText = (t: Text): Resolved => ({ value: t.text, tainted: t.tainted });
const fromList = (items: Text[]): Resolved => ({ value: items.map((t) => t.text), tainted: items.some((t) => t.tainted) });
