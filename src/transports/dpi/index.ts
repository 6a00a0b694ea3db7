// DPI, digital post to citizens (digital and print) over the corner 2 REST API: the transport, its
// Maskinporten tokens, and what the receipt job and the sandbox's fake corner 2 share with it.
export { createDpiTransport, type DpiSettings, type DpiTransport, type DpiTransportOptions } from './dpi-transport.js';
export { createDpiTokens, type DpiTokenOptions, type DpiTokens } from './tokens.js';
export type { DpiReceipt, DpiReceiptSink, DpiReceiptStatus, ReceiptPollResult } from './receipts.js';
export type { CertificateMode } from './receipt-certificate.js';
export { loadDpiSchemas, type DpiSchemaValidator } from './schema-validator.js';
export { wrapForCorner2, formatUtc, DPI_DIGEST_METHOD } from './wire-sbd.js';
export {
  DpiBusinessMessageInvalidError, DpiCorner2RefusedError, DpiCorner2UnavailableError, DpiPrintLookupError,
  DpiReceiptRejectedError, DpiSchemasUnreadableError,
} from './errors.js';
