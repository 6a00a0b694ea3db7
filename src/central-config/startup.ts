// The start-up half: which central layer the daemon starts with. The config loading path calls
// loadCentralLayer right after loadConfig; the layer is the last accepted document, verified again with
// the pinned key (a file changed on disk is not trusted) but not checked for expiry: a document accepted
// once stays in force across restarts until a newer one arrives, so a hub that is down does not roll
// the configuration back.
import { resolve, join } from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { ConfigError, validateConfig, type Config, type ConfigEntry } from '../config/index.js';
import { readAcceptedDocument } from './accepted-document.js';
import { verifyCentralDocument, type CentralDocument } from './document.js';
import { CentralConfigRejectedError, CentralConfigSetupError } from './errors.js';
import { checkAllowList, KeyPatterns } from './key-patterns.js';
import { mergeLayer, refusePlaceholders, selectLayer, type Layer } from './layer.js';
import { readTrustedKeys } from './trusted-keys.js';

export const DEFAULTS = {
  /** Allowed difference between our clock and the hub's when checking iat, nbf and exp. */
  clockToleranceMs: 60_000,
  stateFolder: 'central-config',
  auditFile: 'audit.jsonl',
} as const;

export interface CentralSettings {
  url: string;
  trustedKeysFile: string;
  schedule: string;
  requestTimeoutMs: number;
  allow: KeyPatterns;
  pinned: KeyPatterns;
  /** Where the accepted document is kept. */
  stateDir: string;
  auditLog: string;
  orgNumber: string;
}

/** What the running central config starts from; opaque to the composition root, which passes it on. */
export interface CentralStart {
  settings: CentralSettings;
  keys: JSONWebKeySet;
  local: ReadonlyMap<string, ConfigEntry>;
  /** The persisted document, when its signature still verifies (it sets the replay floor). */
  accepted: CentralDocument | undefined;
  /** The part of its settings that is in the start config. */
  layer: Layer;
  /** Why the persisted document is not in the start config. */
  problem: string | undefined;
  config: Config;
}

export interface LayeredConfig {
  config: Config;
  /** Lines to log at warn level. */
  warnings: string[];
  /** Undefined when central configuration is off. */
  central: CentralStart | undefined;
}

function centralSettings(config: Config): CentralSettings {
  const c = config.centralConfig;
  if (c.url === undefined) throw new CentralConfigSetupError('efm.central-config.enabled is on but efm.central-config.url is not set');
  if (c.trustedKeys === undefined) throw new CentralConfigSetupError('efm.central-config.enabled is on but efm.central-config.trusted-keys (the pinned public key) is not set');
  const allow = KeyPatterns.compile(c.allow, 'efm.central-config.allow');
  checkAllowList(allow, 'efm.central-config.allow');
  const stateDir = join(resolve(config.dataDir), DEFAULTS.stateFolder);
  return {
    url: c.url, trustedKeysFile: resolve(c.trustedKeys), schedule: c.schedule, requestTimeoutMs: c.requestTimeout,
    allow, pinned: KeyPatterns.compile(c.pinned, 'efm.central-config.pinned'),
    stateDir, auditLog: c.auditLog === undefined ? join(stateDir, DEFAULTS.auditFile) : resolve(c.auditLog),
    orgNumber: config.org.number,
  };
}

export const layerSource = (document: Pick<CentralDocument, 'serial'>) => `central config #${document.serial}`;

export async function loadCentralLayer(local: { config: Config; entries: ReadonlyMap<string, ConfigEntry> }): Promise<LayeredConfig> {
  if (!local.config.centralConfig.enabled) return { config: local.config, warnings: [], central: undefined };
  const settings = centralSettings(local.config);
  const keys = await readTrustedKeys(settings.trustedKeysFile);
  const start: CentralStart = { settings, keys, local: local.entries, accepted: undefined, layer: new Map(), problem: undefined, config: local.config };
  const jws = await readAcceptedDocument(settings.stateDir);
  if (jws === undefined) return { config: local.config, warnings: [], central: start };

  let accepted: CentralDocument | undefined;
  try {
    const document = await verifyCentralDocument(jws, { keys, orgNumber: settings.orgNumber, toleranceMs: DEFAULTS.clockToleranceMs });
    accepted = document;
    const selection = selectLayer(document.settings, settings);
    refusePlaceholders(selection.layer, document.serial);
    const { config } = validateConfig(mergeLayer(local.entries, selection.layer, layerSource(document)));
    // The operator narrowed the allow-list or pinned keys since the document was accepted: their choice wins.
    const warnings = [...selection.disallowed, ...selection.pinned]
      .map((key) => `${key} (${layerSource(document)}): not applied, the key is no longer allowed or is pinned locally`);
    return { config, warnings, central: { ...start, accepted: document, layer: selection.layer, config } };
  } catch (error) {
    if (!(error instanceof CentralConfigRejectedError) && !(error instanceof ConfigError)) throw error;
    const problem = `the accepted central document is left out: ${error.message}`;
    return { config: local.config, warnings: [problem], central: { ...start, accepted, problem } };
  }
}
