export { openOwnKeystore, type OwnKeystore, type OwnKeystoreOptions } from './own-keystore.js';
