// Public surface of centrally pushed configuration (issue 6). Start-up: loadConfig → loadCentralLayer
// (merges the persisted document). Running: createCentralConfig(…) with httpDocumentSource, its `job`
// registered as `central-config`, its health() under the daemon's health, onChange applying HOT_KEYS.
export { createCentralConfig, JOB_NAME } from './central-config.js';
export type { CentralConfig, CentralConfigHealth, CentralConfigOptions, RefreshOutcome } from './central-config.js';
export { loadCentralLayer, centralSettings } from './startup.js';
export type { CentralSettings, CentralStart, LayeredConfig } from './startup.js';
export { httpDocumentSource } from './http-source.js';
export type { DocumentSource } from './http-source.js';
export { HOT_KEYS, isHotKey } from './hot-keys.js';
export { signCentralDocument } from './document-sign.js';
export type { SignCentralDocumentOptions } from './document-sign.js';
export { DOCUMENT_TYPE, DOCUMENT_ALGORITHMS, verifyCentralDocument } from './document.js';
export type { CentralDocument, CentralDocumentClaims, DocumentAlgorithm, SettingValue } from './document.js';
export { readTrustedKeys } from './trusted-keys.js';
export { CentralConfigRejectedError, CentralConfigSetupError, CentralConfigUnavailableError } from './errors.js';
export type { RejectionReason } from './errors.js';
