// DPV over Altinn 3 Correspondence: the transport and the token source it needs.
export { createDpvTransport, type DpvSettings, type DpvTransportOptions } from './dpv-transport.js';
export type { DpvTokens } from './correspondence-client.js';
export { CorrespondenceRefusedError, CorrespondenceUnavailableError, FileSizeMismatchError } from './errors.js';
