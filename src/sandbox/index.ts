export { startSandboxNetwork, type SandboxNetwork, type SandboxNetworkOptions, type SandboxOrganisation } from './network.js';
export * from './service-registry/index.js';
export * from './config-hub/index.js';
