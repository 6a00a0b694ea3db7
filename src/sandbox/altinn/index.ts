// The sandbox's Altinn 3 platform: token exchange and broker.
export { startFakeAltinn, type FakeAltinn, type FakeAltinnOptions, type MaskinportenTokens } from './fake-altinn.js';
export type { FileTransfer, FileTransferStatus, RecipientState, RecipientStatus } from './broker-state.js';
