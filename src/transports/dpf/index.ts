// DPF over KS FIKS: SvarUt out, SvarInn in, the create-time SvarUt checks and the errors.
export { createDpfTransport, type DpfSettings, type DpfTransport, type DpfTransportOptions } from './dpf-transport.js';
export type { SvarUtChecks } from './svarut-checks.js';
export {
  FiksCredentialsEntryError, MissingFiksCredentialsError, SvarInnRefusedError, SvarInnUnavailableError, SvarUtFaultError,
  SvarUtUnavailableError, UnreadableForsendelseError, UnsendableForsendelseError, XmlReadError,
} from './errors.js';
