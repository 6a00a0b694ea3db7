export { openOwnKeystore, type OwnKeystore, type OwnKeystoreOptions } from './own-keystore.js';
export { installationId } from './installation-id.js';
