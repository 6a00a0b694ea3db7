// Public surface of the configuration capability. Tests build configs with `testConfig` from
// './testing.js' instead.
export { loadConfig, PROFILES } from './load.js';
export type { LoadOptions, Profile } from './load.js';
export { validateConfig } from './validate.js';
export type { ConfigEntry } from './entries.js';
export { ConfigError } from './errors.js';
export type { ConfigProblem } from './errors.js';
export { describeSettings } from './settings.js';
export type { SettingDescription } from './settings.js';
export { FILE_FORMATS, SERVICES } from './schema.js';
export type { Config } from './schema.js';
export type { Bytes, Milliseconds } from './fields.js';
