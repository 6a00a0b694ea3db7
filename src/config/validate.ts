// The one validator: every source (files, environment, a centrally pushed config) ends here. It checks
// every key and value once, reports all problems together, and returns a deep-frozen Config.
import type { ConfigEntry, WrittenEntry } from './entries.js';
import { foldLists } from './entries.js';
import type { ConfigProblem } from './errors.js';
import { ConfigError, configProblem, HIDDEN } from './errors.js';
import type { RawValue } from './fields.js';
import type { PlaceholderTarget } from './placeholders.js';
import { createResolver, PlaceholderError } from './placeholders.js';
import { checkRules } from './rules.js';
import type { Config } from './schema.js';
import type { Setting } from './settings.js';
import { findSetting, NAMESPACE, normalizeKey, SETTINGS, suggestSetting } from './settings.js';

export interface CheckResult {
  config: Config | undefined;
  problems: ConfigProblem[];
  warnings: string[];
}

// Namespaces of the reference integrasjonspunkt (Spring Boot); their unsupported keys are warned about, so
// an existing integrasjonspunkt-local.properties still starts.
const REFERENCE_NAMESPACES = ['difi', 'spring', 'server', 'app', 'management', 'logging'];
const SECRET_NAME = /password|passord|secret|token|credential|privatekey|apikey|saskey/;

/** Validates merged entries (keys in any spelling; later entries win). Throws ConfigError listing every problem. */
export function validateConfig(entries: ReadonlyMap<string, ConfigEntry>): { config: Config; warnings: string[] } {
  const { config, problems, warnings } = checkEntries(entries);
  if (!config) throw new ConfigError(problems);
  return { config, warnings };
}

/** As validateConfig, but returns the problems instead of throwing, so a caller can add its own. */
export function checkEntries(entries: ReadonlyMap<string, ConfigEntry>): CheckResult {
  const known = new Map<string, WrittenEntry>();
  const unknown = new Map<string, WrittenEntry>();
  for (const entry of foldLists(entries)) {
    const setting = findSetting(entry.key);
    const map = setting ? known : unknown;
    const identity = setting ? setting.key : normalizeKey(entry.key);
    map.delete(identity);
    map.set(identity, entry);
  }
  const { problems, warnings } = checkUnknown(unknown.values());
  const { values, failed } = readValues(known, unknown, problems);
  const where = (setting: Setting) => known.get(setting.key) ?? { key: setting.key, source: 'default' };
  problems.push(...checkRules({ values, failed, where }));
  if (problems.length > 0) return { config: undefined, problems, warnings };
  return { config: deepFreeze(build(values)), problems, warnings };
}

function checkUnknown(entries: Iterable<WrittenEntry>): { problems: ConfigProblem[]; warnings: string[] } {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  for (const { key, source } of entries) {
    const namespace = normalizeKey(key).split('.')[0] ?? '';
    if (namespace === NAMESPACE) {
      const suggestion = suggestSetting(key);
      const hint = suggestion ? ` (did you mean ${suggestion}?)` : '';
      problems.push(configProblem('EFM_CONFIG_UNKNOWN_KEY', { key, source, message: `unknown setting${hint}` }));
    } else if (REFERENCE_NAMESPACES.includes(namespace)) {
      warnings.push(`${key} (${source}): reference setting not supported (yet); ignored`);
    } else {
      warnings.push(`${key} (${source}): unknown setting; ignored`);
    }
  }
  return { problems, warnings };
}

interface Values {
  values: Map<Setting, unknown>;
  /** Settings that were given but did not parse; rules leave them alone. */
  failed: Set<Setting>;
}

function readValues(known: Map<string, WrittenEntry>, unknown: Map<string, WrittenEntry>, problems: ConfigProblem[]): Values {
  const find = (name: string): PlaceholderTarget | undefined => {
    const setting = findSetting(name);
    if (setting) return { id: setting.key, raw: known.get(setting.key)?.value ?? setting.field.default, secret: setting.field.secret };
    const extra = unknown.get(normalizeKey(name));
    return extra && { id: extra.key, raw: extra.value, secret: SECRET_NAME.test(normalizeKey(extra.key)) };
  };
  const resolve = createResolver(find);
  const values = new Map<Setting, unknown>();
  const failed = new Set<Setting>();
  for (const setting of SETTINGS) {
    const { field } = setting;
    const written = known.get(setting.key);
    const key = written?.key ?? setting.key;
    const source = written?.source ?? 'default';
    const raw = written?.value ?? field.default;
    const hide = (value: RawValue, tainted: boolean) => (field.secret || tainted ? HIDDEN : display(value));
    if (raw === undefined) {
      if (!field.optional) problems.push(configProblem('EFM_CONFIG_REQUIRED', { key, source, message: requiredMessage(setting) }));
      continue;
    }
    let resolved;
    try {
      resolved = resolve(setting.key, raw);
    } catch (error) {
      if (!(error instanceof PlaceholderError)) throw error;
      const message = placeholderProblem(error, setting);
      if (message !== undefined) problems.push(configProblem('EFM_CONFIG_INVALID_VALUE', { key, source, value: hide(raw, false), message }));
      failed.add(setting);
      continue;
    }
    if (field.optional && isEmpty(resolved.value)) continue;
    const parsed = field.parse(resolved.value);
    if (parsed.ok) {
      values.set(setting, parsed.value);
    } else {
      problems.push(configProblem('EFM_CONFIG_INVALID_VALUE', { key, source, value: hide(resolved.value, resolved.tainted), message: parsed.message }));
      failed.add(setting);
    }
  }
  return { values, failed };
}

/**
 * The problem text for a placeholder that failed, or undefined when another setting reports the same
 * cause itself (an unset required key, or a setting whose own value does not resolve).
 */
function placeholderProblem(error: PlaceholderError, setting: Setting): string | undefined {
  const { unsetKey, origin, isCycle } = error.details;
  if (isCycle) return error.message;
  const unset = unsetKey === undefined ? undefined : findSetting(unsetKey);
  if (unset && !unset.field.optional) return undefined;
  if (origin === undefined || origin === setting.key) return error.message;
  return findSetting(origin) ? undefined : `${error.message} (in ${origin})`;
}

function requiredMessage(setting: Setting): string {
  const names = [setting.key, ...setting.field.aliases].join(' or ');
  return `required: set ${names} (environment: ${setting.env})`;
}

const isEmpty = (value: RawValue) => (typeof value === 'string' ? value.trim() === '' : value.length === 0);
const display = (value: RawValue) => (typeof value === 'string' ? value : value.join(','));

function build(values: Map<Setting, unknown>): Config {
  const root: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    let node = root;
    for (const segment of setting.path.slice(0, -1)) {
      const next = node[segment];
      node = isRecord(next) ? next : (node[segment] = {});
    }
    const leaf = setting.path[setting.path.length - 1] ?? setting.key;
    node[leaf] = values.get(setting);
  }
  // The object was assembled from SETTINGS, which is SCHEMA flattened, so it has exactly Config's shape.
  return root as Config;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
