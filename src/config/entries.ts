// Config entries as they come from one source (a file, the environment, a central push) and the merge
// of several sources, later winning.
import type { RawValue } from './fields.js';
import { identityOf } from './settings.js';

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

/**
 * Folds `key[0]=…, key[1]=…` into one list entry, at the place of its first element. A list is
 * replaced as a whole by a later source, as in Spring, so folding happens per source.
 */
export function foldLists(entries: Iterable<readonly [string, ConfigEntry]>): WrittenEntry[] {
  const out: WrittenEntry[] = [];
  const lists = new Map<string, { entry: WrittenEntry; items: Map<number, string> }>();
  for (const [key, { value, source }] of entries) {
    const m = INDEXED.exec(key);
    if (!m) {
      out.push({ key, value: typeof value === 'object' ? [...value] : String(value), source });
      continue;
    }
    const [, base = key, index] = m;
    let group = lists.get(base);
    if (!group) {
      group = { entry: { key: base, value: [], source }, items: new Map() };
      lists.set(base, group);
      out.push(group.entry);
    }
    group.items.set(Number(index), typeof value === 'object' ? value.join(',') : String(value));
  }
  for (const { entry, items } of lists.values()) {
    entry.value = [...items.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
  }
  return out;
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
