// Reading a frozen Config by canonical key, to say which keys a document changed and to write them in
// the audit log with secrets masked.
import { describeSettings, type Config } from '../config/index.js';
import { isSecretKey } from './key-patterns.js';

export const MASKED = '(hidden)';

const KEYS: readonly string[] = describeSettings().map((s) => s.key);
const camel = (segment: string) => segment.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `efm.service-registry.cache-ttl` → config.serviceRegistry.cacheTtl (the schema's naming rule in reverse). */
export function valueAt(config: Config, key: string): unknown {
  let node: unknown = config;
  for (const segment of key.split('.').slice(1).map(camel)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** Canonical keys whose values differ between two configs, in schema order. */
export function changedKeys(before: Config, after: Config): string[] {
  return KEYS.filter((key) => !sameValue(valueAt(before, key), valueAt(after, key)));
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A value as the audit log shows it: secrets masked, unset as null. */
export function displayValue(key: string, value: unknown): unknown {
  if (value === undefined) return null;
  return isSecretKey(key) ? MASKED : value;
}
