// The flat table of settings derived from the schema: canonical key, EFM_* variable name and the
// relaxed-name index that finds a setting by any spelling of its canonical key or an alias.
import type { AnyField } from './fields.js';
import { isField } from './fields.js';
import type { SchemaNode } from './schema.js';
import { SCHEMA } from './schema.js';

export const NAMESPACE = 'efm';
const ENV_PREFIX = 'EFM_';

export interface Setting {
  readonly path: readonly string[];
  /** Our canonical key, e.g. `efm.data-dir`. */
  readonly key: string;
  /** The environment variable, e.g. `EFM_DATA_DIR`. */
  readonly env: string;
  readonly field: AnyField;
}

export interface SettingDescription {
  key: string;
  aliases: readonly string[];
  env: string;
  type: string;
  default: string | undefined;
  description: string;
  /** Never echoed: problems, logs and audit lines show it masked. */
  secret: boolean;
}

/**
 * Spring's relaxed binding, as far as names go: case does not matter and `-`/`_` are ignored, so
 * `difi.move.dpo.system-user.org-id` and `difi.move.dpo.systemUser.orgId` are one key.
 */
export function normalizeKey(key: string): string {
  return key.trim().toLowerCase().replace(/[-_]/g, '');
}

const kebab = (segment: string) => segment.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function collect(node: SchemaNode, path: readonly string[], out: Setting[]): Setting[] {
  for (const [name, child] of Object.entries(node)) {
    const childPath = [...path, name];
    if (!isField(child)) {
      collect(child, childPath, out);
      continue;
    }
    const key = [NAMESPACE, ...childPath.map(kebab)].join('.');
    const env = ENV_PREFIX + key.slice(NAMESPACE.length + 1).toUpperCase().replace(/[.-]/g, '_');
    out.push({ path: childPath, key, env, field: child });
  }
  return out;
}

export const SETTINGS: readonly Setting[] = collect(SCHEMA, [], []);

function indexBy(names: (s: Setting) => readonly string[]): ReadonlyMap<string, Setting> {
  const index = new Map<string, Setting>();
  for (const setting of SETTINGS) {
    for (const name of names(setting)) {
      const other = index.get(name);
      // Two settings answering to one name would make a file ambiguous; that is a bug in the schema.
      if (other && other !== setting) throw new Error(`config schema: ${name} names both ${other.key} and ${setting.key}`);
      index.set(name, setting);
    }
  }
  return index;
}

const BY_NAME = indexBy((s) => [s.key, ...s.field.aliases].map(normalizeKey));
const BY_ENV = indexBy((s) => [s.env]);

/** The setting a key names, by its canonical key or any alias, spelled in any relaxed form. */
export function findSetting(key: string): Setting | undefined {
  return BY_NAME.get(normalizeKey(key));
}

export function findSettingByEnv(name: string): Setting | undefined {
  return BY_ENV.get(name);
}

export function isEnvName(name: string): boolean {
  return name.startsWith(ENV_PREFIX);
}

/** Every setting with its names and default, for `efm` help output and docs. */
export function describeSettings(): SettingDescription[] {
  return SETTINGS.map(({ key, env, field }) => ({
    key,
    aliases: field.aliases,
    env,
    type: field.type,
    default: field.default === undefined ? undefined : typeof field.default === 'string' ? field.default : field.default.join(','),
    description: field.description,
    secret: field.secret,
  }));
}

/** Which merged entry a key belongs to: its setting's canonical key, or its relaxed form when unknown. */
export function identityOf(key: string): string {
  return findSetting(key)?.key ?? normalizeKey(key);
}

/** The known key closest to a mistyped one, when it is close enough to be a likely typo. */
export function suggestSetting(key: string): string | undefined {
  const wanted = normalizeKey(key);
  let best: { key: string; distance: number } | undefined;
  for (const setting of SETTINGS) {
    const distance = editDistance(wanted, normalizeKey(setting.key));
    if (distance <= 3 && (!best || distance < best.distance)) best = { key: setting.key, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
