// Builds the one Config at start-up. Precedence, lowest first: the schema's defaults, config/default.yml,
// config/<profile>.yml (only with a profile), the --config file, EFM_* variables.
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigProblem } from './errors.js';
import { ConfigError, configProblem } from './errors.js';
import type { ConfigEntry } from './entries.js';
import { mergeSources } from './entries.js';
import type { Config } from './schema.js';
import type { Entries } from './sources.js';
import { readEnv, readPropertiesText, readYamlText } from './sources.js';
import { checkEntries } from './validate.js';

export const PROFILES = ['sandbox', 'staging', 'production'] as const;
export type Profile = (typeof PROFILES)[number];

export interface LoadOptions {
  profile?: Profile;
  /** YAML when it ends in .yml/.yaml, a Java .properties file otherwise. */
  configFile?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Where default.yml and the profile files are; the package's config/ folder unless given. */
  configDir?: string;
}

// src/config/load.ts and dist/config/load.js both sit two folders below the package root.
const PACKAGE_CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url));

/**
 * `entries` are the merged local sources the config was validated from; a centrally pushed layer is
 * merged over them and validated again (src/central-config).
 */
export function loadConfig(options: LoadOptions): { config: Config; warnings: string[]; entries: ReadonlyMap<string, ConfigEntry> } {
  const configDir = options.configDir ?? PACKAGE_CONFIG_DIR;
  const files = [join(configDir, 'default.yml')];
  if (options.profile) files.push(join(configDir, `${options.profile}.yml`));
  if (options.configFile) files.push(options.configFile);

  const sources: Entries[] = [];
  const unreadable: ConfigProblem[] = [];
  for (const file of files) {
    try {
      sources.push(readConfigFile(file));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      unreadable.push(configProblem('EFM_CONFIG_UNREADABLE', { key: '(file)', source: file, message: `cannot read: ${message}` }));
    }
  }
  // Validating without a file would only add problems that the file would have fixed.
  if (unreadable.length > 0) throw new ConfigError(unreadable);

  const env = readEnv(options.env);
  sources.push(env.entries);
  const entries = mergeSources(sources);
  const { config, problems, warnings } = checkEntries(entries);
  const all = [...env.problems, ...problems];
  if (!config || all.length > 0) throw new ConfigError(all);
  return { config, warnings, entries };
}

function readConfigFile(file: string): Entries {
  const text = readFileSync(file, 'utf8');
  const ext = extname(file).toLowerCase();
  return ext === '.yml' || ext === '.yaml' ? readYamlText(text, file) : readPropertiesText(text, file);
}
