// Reading config sources into entries: Java .properties, YAML (nested or dotted keys) and EFM_* variables.
import { getProperties } from 'properties-file';
import { parse as parseYaml } from 'yaml';
import type { ConfigEntry } from './entries.js';
import type { ConfigProblem } from './errors.js';
import { configProblem } from './errors.js';
import { findSettingByEnv, isEnvName } from './settings.js';

export type Entries = Map<string, ConfigEntry>;

export function readPropertiesText(text: string, source: string): Entries {
  const entries: Entries = new Map();
  for (const [key, value] of Object.entries(getProperties(text))) entries.set(key, { value, source });
  return entries;
}

/**
 * YAML is read with the failsafe schema, so every scalar stays the text that was written: `0192` keeps
 * its zero and `1GB` is not a number; each setting's own type reads it. An empty value unsets a key.
 */
export function readYamlText(text: string, source: string): Entries {
  const doc: unknown = parseYaml(text, { schema: 'failsafe' });
  const entries: Entries = new Map();
  if (doc === null || doc === undefined || doc === '') return entries;
  if (!isMap(doc)) throw new Error('the top level must be a mapping of keys to values');
  flatten(doc, '', source, entries);
  return entries;
}

function flatten(node: unknown, key: string, source: string, out: Entries): void {
  if (typeof node === 'string' || node === null || node === undefined) {
    out.set(key, { value: node ?? '', source });
  } else if (Array.isArray(node)) {
    if (node.every((item) => typeof item === 'string')) out.set(key, { value: node, source });
    else node.forEach((item: unknown, i) => flatten(item, `${key}[${i}]`, source, out));
  } else if (isMap(node)) {
    for (const [name, child] of Object.entries(node)) flatten(child, key === '' ? name : `${key}.${name}`, source, out);
  }
}

const isMap = (node: unknown): node is Record<string, unknown> => typeof node === 'object' && node !== null && !Array.isArray(node);

/** `EFM_*` variables, each named after its setting's canonical key. An unknown `EFM_` name is a problem, like an unknown `efm.*` key. */
export function readEnv(env: Readonly<Record<string, string | undefined>>): { entries: Entries; problems: ConfigProblem[] } {
  const entries: Entries = new Map();
  const problems: ConfigProblem[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!isEnvName(name) || value === undefined) continue;
    const source = `${name} env`;
    const setting = findSettingByEnv(name);
    if (setting) entries.set(setting.key, { value, source });
    else problems.push(configProblem('EFM_CONFIG_UNKNOWN_KEY', { key: name, source, message: 'unknown EFM_ variable' }));
  }
  return { entries, problems };
}
