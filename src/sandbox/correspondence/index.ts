// The sandbox's Altinn 3 correspondence API (DPV).
export { startFakeCorrespondence, type FakeCorrespondence, type FakeCorrespondenceOptions } from './fake-correspondence.js';
export type { CorrespondenceStatus, StoredAttachment, StoredCorrespondence } from './correspondence-state.js';
