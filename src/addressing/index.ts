// Addressing: who the receiver is and which service it takes, from the Service Registry.
export {
  MaskinportenTokenError, MaskinportenUnavailableError, NotFoundInServiceRegistryError,
  SERVICE_REGISTRY_RETRY_AFTER_SECONDS, ServiceRegistryLookupError, ServiceRegistrySignatureError,
  ServiceRegistryUnavailableError,
} from './errors.js';
export type { ServiceRegistryLookupErrorOptions } from './errors.js';
export type { LookupParams } from './lookup-request.js';
export { createMaskinportenClient } from './maskinporten-client.js';
export type { MaskinportenClient, MaskinportenClientOptions } from './maskinporten-client.js';
export type {
  EntityType, IdentifierResource, InfoRecord, Patient, PostAddress, Postadresse, Service, ServiceRecord,
} from './model.js';
export { DEFAULT_ARKIVMELDING_PROCESS, selectDefaultRecord, selectRecord } from './record-selection.js';
export { createServiceRegistryClient } from './service-registry-client.js';
export type { ServiceRegistryClient } from './port.js';
export type { ServiceRegistryClientOptions } from './service-registry-client.js';
