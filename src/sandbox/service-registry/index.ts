// The sandbox's Service Registry: a real HTTP server with demo organisations.
export {
  DEMO_ORGANISATIONS, defaultDemoOrganisations, demoOrganisation,
} from './demo-organisations.js';
export type { DemoOrganisationOptions, DemoService } from './demo-organisations.js';
export { demoCitizen, type DemoCitizenOptions } from './demo-citizen.js';
export { demoHealthUnit, nhnAdapterOperator, type DemoHealthUnitOptions } from './demo-health-unit.js';
export { startFakeServiceRegistry } from './fake-service-registry.js';
export type {
  FakeServiceRegistry, FakeServiceRegistryFailure, FakeServiceRegistryOptions, RecordedRequest,
} from './fake-service-registry.js';
export { createSigningIdentity } from './signing-identity.js';
export type { SigningIdentity } from './signing-identity.js';
export type { FakeOrganisation, SrInfoRecord, SrPostadresse, SrService, SrServiceRecord } from './wire.js';
