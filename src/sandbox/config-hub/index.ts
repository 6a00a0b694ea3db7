// The sandbox's configuration hub: signed configuration documents for the daemon's central config.
export { startConfigHub } from './config-hub.js';
export type { ConfigHub, ConfigHubOptions, ConfigHubSigning, PublishOptions } from './config-hub.js';
