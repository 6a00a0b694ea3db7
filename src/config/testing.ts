// A config builder for other modules' tests: the schema's defaults, a valid organisation and API user,
// and the given overrides (keys in any spelling, canonical or reference alias).
import type { ConfigEntry } from './entries.js';
import type { Config } from './schema.js';
import { validateConfig } from './validate.js';

const SOURCE = 'testConfig';

const BASE: Readonly<Record<string, string>> = {
  'efm.org.number': '910077473',
  'efm.api.auth.username': 'testuser',
  'efm.api.auth.password': 'testpassword',
};

/**
 * Builds a valid, frozen Config. An override of `undefined` removes the base value. Throws the
 * ConfigError of an invalid result, and an Error for any key that would only be warned about, since a
 * test that sets an ignored key proves nothing.
 */
export function testConfig(overrides: Readonly<Record<string, unknown>> = {}): Config {
  const entries = new Map<string, ConfigEntry>();
  for (const [key, value] of Object.entries({ ...BASE, ...overrides })) {
    if (value !== undefined) entries.set(key, { value: toEntryValue(key, value), source: SOURCE });
  }
  const { config, warnings } = validateConfig(entries);
  if (warnings.length > 0) throw new Error(`testConfig: ${warnings.join('; ')}`);
  return config;
}

function toEntryValue(key: string, value: unknown): ConfigEntry['value'] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(String);
  throw new TypeError(`testConfig: ${key} must be a string, number, boolean or array`);
}
