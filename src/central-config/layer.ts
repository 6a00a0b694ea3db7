// The central layer: the settings of one document that survive the allow-list and the local pins,
// merged over the local sources. Precedence, lowest first: schema defaults, config/default.yml, the
// profile file, the --config file, EFM_* variables, the central layer; a pinned key skips the central
// layer and keeps whatever the local sources give it (their value or the default).
import type { ConfigEntry } from '../config/index.js';
import type { SettingValue } from './document.js';
import { CentralConfigRejectedError } from './errors.js';
import { isCentrallySettable, type KeyPatterns } from './key-patterns.js';

export type Layer = ReadonlyMap<string, SettingValue>;

export interface LayerSelection {
  layer: Layer;
  /** Keys the document set that a local pin overrides. */
  pinned: string[];
  /** Keys the document may not set. */
  disallowed: string[];
}

export function selectLayer(settings: Readonly<Record<string, SettingValue>>, rules: { allow: KeyPatterns; pinned: KeyPatterns }): LayerSelection {
  const layer = new Map<string, SettingValue>();
  const pinned: string[] = [];
  const disallowed: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (!isCentrallySettable(key, rules.allow)) disallowed.push(key);
    else if (rules.pinned.matches(key)) pinned.push(key);
    else layer.set(key, value);
  }
  return { layer, pinned, disallowed };
}

/**
 * A `${…}` in a pushed value would be resolved against local settings, so a document could copy a local
 * secret into a value that leaves the machine (an endpoint URL, say). Pushed values are taken literally
 * or not at all.
 */
export function refusePlaceholders(layer: Layer, serial: number): void {
  for (const [key, value] of layer) {
    const texts = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    if (texts.some((t) => t.includes('${'))) {
      throw new CentralConfigRejectedError('invalid', `${key}: a centrally set value may not hold a \${…} placeholder`, { serial });
    }
  }
}

export function mergeLayer(local: ReadonlyMap<string, ConfigEntry>, layer: Layer, source: string): Map<string, ConfigEntry> {
  const merged = new Map(local);
  // The validator lets a later entry win over an earlier spelling of the same key, so the layer goes last.
  for (const [key, value] of layer) {
    merged.delete(key);
    merged.set(key, { value, source });
  }
  return merged;
}

export function pickLayer(layer: Layer, keep: (key: string) => boolean): Map<string, SettingValue> {
  return new Map([...layer].filter(([key]) => keep(key)));
}
