// Public surface of the crypto library: keystores, CMS, ASiC-E, XAdES and JOSE helpers.
export * from './errors.js';
export { certificateDetails, certificateFromPem, certificatesFromPem, parseCertificate, type CertificateDetails } from './certificate.js';
export {
  checkCertificateValidity,
  loadKeystoreEntry,
  parseKeystoreType,
  readKeystore,
  type KeystoreContents,
  type KeystoreEntry,
  type KeystoreSelection,
  type KeystoreSource,
  type KeystoreType,
  type KeystoreWarning,
  type LoadedKeystoreEntry,
} from './keystore.js';
export { generateSelfSignedKeystore, type GenerateKeystoreOptions, type GeneratedKeystore } from './keystore-generate.js';
export type { KeyTransport } from './cms-algorithms.js';
export { createCmsEncryptStream, type CmsEncryptOptions, type ContentEncryption } from './cms-encrypt.js';
export { createCmsDecryptStream, decryptCms } from './cms-decrypt.js';
export { atRestCipher } from './at-rest.js';
export { signDetached, type DetachedSignatureOptions, type SignatureDigest } from './cms-sign.js';
export { verifyDetached, type VerifiedSignature } from './cms-verify.js';
export { ASIC_MIMETYPE } from './asic-manifest.js';
export { createAsicStream, type AsicDocument, type AsicSignatureForm, type AsicWriteOptions } from './asic-write.js';
export {
  assertAsicValid,
  DEFAULT_ASIC_LIMITS,
  extractAsic,
  readAsic,
  verifyAsic,
  type AsicDocumentResult,
  type AsicReadLimits,
  type AsicReadOptions,
  type AsicReadResult,
  type AsicSignatureResult,
} from './asic-read.js';
export { runCryptoCommand, type CryptoCommandIo } from './cli.js';
export {
  decryptJwe,
  encryptJwe,
  signJws,
  verifyJwsWithJwks,
  verifyJwsWithX5c,
  type EncryptJweOptions,
  type JwsAlgorithm,
  type SignJwsOptions,
  type VerifiedJws,
  type VerifiedX5cJws,
} from './jose.js';
