// DPO over the Altinn 3 broker: the transport, its Altinn tokens and the pieces DPE can share (the
// NextMove business manifest).
export { createDpoTransport, type DpoSettings, type DpoTransportOptions } from './dpo-transport.js';
export { createAltinnTokens, type AltinnTokenOptions, type AltinnTokens, type BrokerScope, type MaskinportenGrantSettings } from './altinn-tokens.js';
export { createSystemUsers, systemUserClaim, type SystemUser, type SystemUsers } from './system-users.js';
export { BUSINESS_MANIFEST, businessManifestXml, type BusinessManifestInput } from './business-manifest.js';
export {
  AltinnBrokerRefusedError, AltinnBrokerUnavailableError, AltinnTokenRefusedError, AltinnTokenUnavailableError,
  NoSystemUserError, UnreadableTransferError,
} from './errors.js';
