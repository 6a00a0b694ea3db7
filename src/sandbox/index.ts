export { startSandboxNetwork, type SandboxNetwork, type SandboxNetworkOptions, type SandboxOrganisation } from './network.js';
export * from './service-registry/index.js';
export * from './config-hub/index.js';
export * from './altinn/index.js';
export * from './maskinporten/index.js';
export * from './correspondence/index.js';
export * from './service-bus/index.js';
export { createFailureInjector, type FailureControl, type FailureInjector, type FailureRule } from './failures.js';
export { startTrackingCollector, type TrackingCollector } from './collector/index.js';
