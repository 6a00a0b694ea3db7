import { describe, expect, it } from 'vitest';
import { describeSettings } from '../../src/config/index.js';
import { testConfig } from '../../src/config/testing.js';
import { changedKeys, displayValue, valueAt } from '../../src/central-config/config-values.js';

describe(valueAt.name, () => {
  it('reads every leaf of a Config by the canonical key of its setting', () => {
    const config = testConfig();
    const leaves = new Map<string, unknown>();
    const walk = (node: Record<string, unknown>, path: string[]) => {
      for (const [name, value] of Object.entries(node)) {
        const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) walk(value as Record<string, unknown>, [...path, kebab]);
        else leaves.set(['efm', ...path, kebab].join('.'), value);
      }
    };
    walk(config as unknown as Record<string, unknown>, []);

    expect([...leaves.keys()].sort()).toEqual(describeSettings().map((s) => s.key).sort());
    for (const [key, value] of leaves) expect(valueAt(config, key), key).toEqual(value);
    expect(valueAt(config, 'efm.service-registry.cache-ttl')).toBe(300_000);
  });
});

describe(changedKeys.name, () => {
  it('lists the keys whose values differ, lists included', () => {
    const before = testConfig();
    const after = testConfig({ 'efm.log.level': 'debug', 'efm.validation.formats.dpo': ['pdf'] });
    expect(changedKeys(before, after)).toEqual(['efm.log.level', 'efm.validation.formats.dpo']);
    expect(changedKeys(before, testConfig())).toEqual([]);
  });
});

describe(displayValue.name, () => {
  it('masks secrets and shows unset values as null', () => {
    expect(displayValue('efm.api.auth.password', 'pw')).toBe('(hidden)');
    expect(displayValue('efm.log.level', 'info')).toBe('info');
    expect(displayValue('efm.dpo.message-channel', undefined)).toBeNull();
  });
});
