// The sandbox's DPI corner 2 and KRR print lookup (issue 5): real HTTP on 127.0.0.1, failing on demand.
export { startFakeCorner2, type FakeCorner2, type FakeCorner2Options, type FakeDpiLetter, type FakeDpiProvider } from './fake-corner2.js';
export { RECEIPT_TYPES, type ReceiptType } from './receipt-factory.js';
