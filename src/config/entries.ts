// Config entries as they come from one source (a file, the environment, a central push) and the merge
// of several sources, later winning.
import type { RawValue } from './fields.js';
import { findSetting, identityOf, normalizeKey } from './settings.js';

export interface ConfigEntry {
  value: string | readonly string[] | number | boolean;
  /** A file path, `EFM_X env`, `default`, or another name of where the value came from. */
  source: string;
}

/** One key as it was written, its list indices folded into one list value. */
export interface WrittenEntry {
  key: string;
  value: RawValue;
  source: string;
}

const INDEXED = /^(.+)\[(\d+)\]$/;
const INDEXED_FIELD = /^(.+)\[(\d+)\]\.([^.[\]]+)$/;

interface ListGroup {
  entry: WrittenEntry;
  items: Map<number, string>;
  objects: Map<number, Record<string, string>>;
}

/**
 * Folds `key[0]=…, key[1]=…` into one list entry, at the place of its first element; for a list that
 * takes objects (ObjectItems), `key[0].field=…` too. A list is replaced as a whole by a later source, as
 * in Spring, so folding happens per source. An object field the list does not know stays an entry of
 * its own, which the validator then reports as an unknown key.
 */
export function foldLists(entries: Iterable<readonly [string, ConfigEntry]>): WrittenEntry[] {
  const out: WrittenEntry[] = [];
  const lists = new Map<string, ListGroup>();
  const groupOf = (base: string, source: string): ListGroup => {
    let group = lists.get(base);
    if (!group) {
      group = { entry: { key: base, value: [], source }, items: new Map(), objects: new Map() };
      lists.set(base, group);
      out.push(group.entry);
    }
    return group;
  };
  for (const [key, { value, source }] of entries) {
    const text = typeof value === 'object' ? value.join(',') : String(value);
    const m = INDEXED.exec(key);
    if (m) {
      const [, base = key, index] = m;
      groupOf(base, source).items.set(Number(index), text);
      continue;
    }
    const f = INDEXED_FIELD.exec(key);
    const objectField = f === null ? undefined : knownObjectField(f[1] ?? '', f[3] ?? '');
    if (f !== null && objectField !== undefined) {
      const objects = groupOf(f[1] ?? key, source).objects;
      const index = Number(f[2]);
      objects.set(index, { ...objects.get(index), [objectField]: text });
      continue;
    }
    out.push({ key, value: typeof value === 'object' ? [...value] : String(value), source });
  }
  for (const [base, { entry, items, objects }] of lists) {
    const toItem = findSetting(base)?.field.objectItems?.toItem;
    for (const [index, fields] of objects) if (toItem) items.set(index, toItem(fields));
    entry.value = [...items.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
  }
  return out;
}

/** The field's name as the list's ObjectItems spells it, when `base` is such a list and knows it. */
function knownObjectField(base: string, field: string): string | undefined {
  const wanted = normalizeKey(field);
  return findSetting(base)?.field.objectItems?.fields.find((name) => normalizeKey(name) === wanted);
}

/** Merges sources in order of precedence (lowest first); a key written under another spelling still counts as the same key. */
export function mergeSources(sources: Iterable<Iterable<readonly [string, ConfigEntry]>>): Map<string, ConfigEntry> {
  const merged = new Map<string, ConfigEntry>();
  const writtenAs = new Map<string, string>();
  for (const source of sources) {
    for (const entry of foldLists(source)) {
      const identity = identityOf(entry.key);
      const previous = writtenAs.get(identity);
      if (previous !== undefined) merged.delete(previous);
      writtenAs.set(identity, entry.key);
      merged.set(entry.key, { value: entry.value, source: entry.source });
    }
  }
  return merged;
}
