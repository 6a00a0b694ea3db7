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
const NAMED_FIELD = /^(.+)\.([^.[\]]+)\.([^.[\]]+)$/;

interface ListGroup {
  entry: WrittenEntry;
  items: Map<number, string>;
  /** Objects by index (`key[0].field`) or by name (`key.<name>.field`), in the order first written. */
  objects: Map<string, Record<string, string>>;
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
  // By identity: `paa-vegne-av.<a>.*` and `paaVegneAv.<b>.*` in one file are one list.
  const groupOf = (base: string, source: string): ListGroup => {
    let group = lists.get(identityOf(base));
    if (!group) {
      group = { entry: { key: base, value: [], source }, items: new Map(), objects: new Map() };
      lists.set(identityOf(base), group);
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
    const object = objectFieldOf(key);
    if (object !== undefined) {
      const objects = groupOf(object.base, source).objects;
      objects.set(object.id, { ...objects.get(object.id), [object.field]: text });
      continue;
    }
    out.push({ key, value: typeof value === 'object' ? [...value] : String(value), source });
  }
  for (const { entry, items, objects } of lists.values()) {
    const objectItems = findSetting(entry.key)?.field.objectItems;
    const listed = [...items.entries()].sort(([a], [b]) => a - b);
    if (objectItems?.by === 'name') {
      entry.value = [...listed.map(([, v]) => v), ...[...objects].map(([name, fields]) => objectItems.toItem(fields, name))];
      continue;
    }
    for (const [index, fields] of objects) if (objectItems) items.set(Number(index), objectItems.toItem(fields, index));
    entry.value = [...items.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
  }
  return out;
}

/** `key` as one field of an object of a list that takes objects (ObjectItems) and knows that field. */
function objectFieldOf(key: string): { base: string; id: string; field: string } | undefined {
  for (const [pattern, by] of [[INDEXED_FIELD, 'index'], [NAMED_FIELD, 'name']] as const) {
    const m = pattern.exec(key);
    if (m === null) continue;
    const [, base = '', id = '', field = ''] = m;
    const objectItems = findSetting(base)?.field.objectItems;
    if (objectItems === undefined || (objectItems.by ?? 'index') !== by) continue;
    const wanted = normalizeKey(field);
    const known = objectItems.fields.find((name) => normalizeKey(name) === wanted);
    if (known !== undefined) return { base, id, field: known };
  }
  return undefined;
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
