// The sandbox's KS FIKS: SvarUt (SOAP, out) and SvarInn (REST, in) for DPF.
export { startFakeSvarUt, type FakeSvarUt, type FakeSvarUtOptions, type FiksAccount, type IncomingForsendelseSpec } from './fake-svarut.js';
export type { StoredForsendelse } from './forsendelse-store.js';
