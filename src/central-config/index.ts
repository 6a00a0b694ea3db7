// Public surface of centrally pushed configuration (issue 6). Start-up: loadConfig → loadCentralLayer
// (merges the persisted document). Running: createCentralConfig(…) with httpDocumentSource, its `job`
// registered with the job registry, its health() under the daemon's health, onChange applying HOT_KEYS.
export { createCentralConfig } from './central-config.js';
export type { CentralConfig, CentralConfigHealth, CentralConfigOptions, RefreshOutcome } from './central-config.js';
export { loadCentralLayer } from './startup.js';
export type { CentralSettings, CentralStart, LayeredConfig } from './startup.js';
export { httpDocumentSource } from './http-source.js';
export type { DocumentSource } from './http-source.js';
export { HOT_KEYS } from './hot-keys.js';
export { signCentralDocument } from './document-sign.js';
export type { SignCentralDocumentOptions } from './document-sign.js';
export { verifyCentralDocument } from './document.js';
export type { CentralDocument, CentralDocumentClaims, DocumentAlgorithm, SettingValue } from './document.js';
export { readTrustedKeys } from './trusted-keys.js';
export { CentralConfigRejectedError, CentralConfigSetupError, CentralConfigUnavailableError } from './errors.js';
export type { RejectionReason } from './errors.js';
