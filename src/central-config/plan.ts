// What a verified document would change, decided before anything is written: the configuration the
// next start would use, the running configuration after its hot keys are applied, and the keys that
// wait for a restart. Throws CentralConfigRejectedError when the document may not change anything.
import { ConfigError, validateConfig, type Config, type ConfigEntry } from '../config/index.js';
import { changedKeys } from './config-values.js';
import type { CentralDocument } from './document.js';
import { CentralConfigRejectedError } from './errors.js';
import { isHotKey } from './hot-keys.js';
import type { KeyPatterns } from './key-patterns.js';
import { mergeLayer, pickLayer, refusePlaceholders, selectLayer, type Layer } from './layer.js';
import { layerSource } from './startup.js';

export interface ConfigState {
  local: ReadonlyMap<string, ConfigEntry>;
  /** The configuration in effect now. */
  running: Config;
  /** The central settings in `running`. */
  runningLayer: Layer;
  /** The configuration the next start would use. */
  next: Config;
  accepted: CentralDocument | undefined;
}

export interface Plan {
  state: ConfigState;
  /** Keys whose next-start value the document changes. */
  changed: string[];
  /** Keys whose running value changes now. */
  appliedNow: string[];
  /** Keys whose running value differs from the next start's. */
  pendingRestart: string[];
  /** Keys the document sets that local pins override. */
  pinned: string[];
}

export function isSameDocument(state: ConfigState, document: CentralDocument): boolean {
  return state.accepted?.serial === document.serial && state.accepted.sha256 === document.sha256;
}

export function planDocument(state: ConfigState, document: CentralDocument, rules: { allow: KeyPatterns; pinned: KeyPatterns }): Plan {
  const { serial } = document;
  const floor = state.accepted?.serial;
  if (floor !== undefined && serial <= floor) {
    const why = serial === floor ? 'reuses the serial of the accepted document with other content' : `is older than the accepted document ${floor}`;
    throw new CentralConfigRejectedError('replayed', `document ${serial} ${why}`, { serial });
  }
  const selection = selectLayer(document.settings, rules);
  if (selection.disallowed.length > 0) {
    throw new CentralConfigRejectedError('disallowed-key', `document ${serial} sets keys it may not set: ${selection.disallowed.join(', ')}`, { serial });
  }
  refusePlaceholders(selection.layer, serial);
  const source = layerSource(document);
  const next = validated(state.local, selection.layer, source, serial);

  // Hot keys come from the new document now; cold ones stay as they were when the daemon started.
  let runningLayer: Layer = new Map([...pickLayer(state.runningLayer, (k) => !isHotKey(k)), ...pickLayer(selection.layer, isHotKey)]);
  let running = validated(state.local, runningLayer, source, serial);
  let appliedNow = changedKeys(state.running, running);
  // A placeholder default can carry a hot value into a cold key; then nothing is applied before the restart.
  // Without a change the running Config stays the same object, so callers can compare by identity.
  if (appliedNow.length === 0 || appliedNow.some((k) => !isHotKey(k))) {
    runningLayer = state.runningLayer;
    running = state.running;
    appliedNow = [];
  }
  return {
    state: { local: state.local, running, runningLayer, next, accepted: document },
    changed: changedKeys(state.next, next),
    appliedNow,
    pendingRestart: changedKeys(running, next),
    pinned: selection.pinned,
  };
}

function validated(local: ReadonlyMap<string, ConfigEntry>, layer: Layer, source: string, serial: number): Config {
  try {
    return validateConfig(mergeLayer(local, layer, source)).config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new CentralConfigRejectedError('invalid', `document ${serial} makes the configuration invalid: ${error.message}`, { serial, problems: error.problems, cause: error });
  }
}
