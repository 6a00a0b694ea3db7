// DPF over KS FIKS: SvarUt out, SvarInn in, the create-time SvarUt checks and the errors callers tell apart.
export { createDpfTransport, type DpfSettings, type DpfTransport, type DpfTransportOptions } from './dpf-transport.js';
export type { SvarUtChecks } from './svarut-checks.js';
export { FiksCredentialsEntryError, SvarInnRefusedError, SvarUtFaultError, SvarUtUnavailableError } from './errors.js';
