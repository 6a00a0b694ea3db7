// The sandbox's nhn-adapter for DPH (issue 5): real HTTP on 127.0.0.1, failing on demand.
export { startFakeNhnAdapter, type DeliverInput, type FakeNhnAdapter, type FakeNhnAdapterOptions } from './fake-nhn-adapter.js';
export type { ApplicationReceiptStatus, FakeDphIncoming, FakeDphMessage, TransportStatus } from './adapter-state.js';
