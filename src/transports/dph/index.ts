// DPH, health messages through Digdir's nhn-adapter: the transport, its Maskinporten tokens, and what the
// sandbox's fake adapter shares with it.
export { createDphTransport, type DphSettings, type DphTransport, type DphTransportOptions } from './dph-transport.js';
export { createDphTokens, type DphTokenOptions, type DphTokens } from './tokens.js';
export { ADAPTER_ORGNR } from './parties.js';
export {
  DphAdapterCertificateError, DphAdapterRefusedError, DphAdapterUnavailableError, DphIncomingRejectedError, DphUnknownHerIdError,
} from './errors.js';
