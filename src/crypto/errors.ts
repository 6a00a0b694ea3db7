import { EfmError, type ErrorKind } from '../domain/index.js';

// Failures of the crypto library. Keystore problems are the operator's configuration (internal to an API
// client); problems with a CMS, a signature or a container are the peer's input (validation).

interface CryptoErrorOptions {
  code: string;
  kind?: ErrorKind;
  cause?: unknown;
}

export class CryptoError extends EfmError {
  constructor(message: string, options: CryptoErrorOptions) {
    super(message, { kind: options.kind ?? 'validation', code: options.code, cause: options.cause });
  }
}

// --- keystores

export class KeystoreError extends CryptoError {
  constructor(message: string, code = 'EFM_KEYSTORE_UNREADABLE', cause?: unknown) {
    super(message, { code, kind: 'internal', cause });
  }
}

export class KeystorePasswordError extends KeystoreError {
  constructor(path: string, cause?: unknown) {
    super(`wrong password for keystore ${path}`, 'EFM_KEYSTORE_WRONG_PASSWORD', cause);
  }
}

export class KeystoreAliasNotFoundError extends KeystoreError {
  readonly aliases: readonly string[];
  constructor(path: string, alias: string, aliases: readonly string[]) {
    const known = aliases.length > 0 ? aliases.join(', ') : 'none';
    super(`keystore ${path} has no key entry with alias "${alias}" (key entries: ${known})`, 'EFM_KEYSTORE_ALIAS_NOT_FOUND');
    this.aliases = aliases;
  }
}

export class KeystoreKeyMismatchError extends KeystoreError {
  constructor(path: string, alias: string) {
    super(`the private key of "${alias}" in ${path} does not match its certificate`, 'EFM_KEYSTORE_KEY_MISMATCH');
  }
}

export class CertificateExpiredError extends KeystoreError {
  readonly notAfter: Date;
  constructor(subject: string, notAfter: Date) {
    super(`certificate ${subject} expired at ${notAfter.toISOString()}`, 'EFM_CERTIFICATE_EXPIRED');
    this.notAfter = notAfter;
  }
}

export class CertificateNotYetValidError extends KeystoreError {
  readonly notBefore: Date;
  constructor(subject: string, notBefore: Date) {
    super(`certificate ${subject} is not valid before ${notBefore.toISOString()}`, 'EFM_CERTIFICATE_NOT_YET_VALID');
    this.notBefore = notBefore;
  }
}

// --- CMS

export class CmsFormatError extends CryptoError {
  constructor(message: string, cause?: unknown) {
    super(`malformed CMS: ${message}`, { code: 'EFM_CMS_MALFORMED', cause });
  }
}

export class CmsUnsupportedAlgorithmError extends CryptoError {
  constructor(what: string) {
    super(`unsupported CMS algorithm: ${what}`, { code: 'EFM_CMS_UNSUPPORTED_ALGORITHM' });
  }
}

/** The key does not open the content: not ours, or the content was altered (padding or GCM tag). */
export class CmsDecryptionError extends CryptoError {
  constructor(message: string, cause?: unknown) {
    super(`CMS decryption failed: ${message}`, { code: 'EFM_CMS_DECRYPTION_FAILED', cause });
  }
}

export class SignatureInvalidError extends CryptoError {
  constructor(message: string, cause?: unknown) {
    super(`signature is not valid: ${message}`, { code: 'EFM_SIGNATURE_INVALID', cause });
  }
}

// --- ASiC-E

export class AsicFormatError extends CryptoError {
  constructor(message: string, cause?: unknown) {
    super(`invalid ASiC-E container: ${message}`, { code: 'EFM_ASIC_MALFORMED', cause });
  }
}

export class AsicPathTraversalError extends CryptoError {
  readonly entryName: string;
  constructor(entryName: string) {
    super(`ASiC-E entry ${JSON.stringify(entryName)} leaves the container folder`, { code: 'EFM_ASIC_PATH_TRAVERSAL' });
    this.entryName = entryName;
  }
}

export class AsicAbsolutePathError extends CryptoError {
  readonly entryName: string;
  constructor(entryName: string) {
    super(`ASiC-E entry ${JSON.stringify(entryName)} has an absolute path`, { code: 'EFM_ASIC_ABSOLUTE_PATH' });
    this.entryName = entryName;
  }
}

export class AsicDuplicateEntryError extends CryptoError {
  readonly entryName: string;
  constructor(entryName: string) {
    super(`ASiC-E entry ${JSON.stringify(entryName)} occurs more than once`, { code: 'EFM_ASIC_DUPLICATE_ENTRY' });
    this.entryName = entryName;
  }
}

/** An entry or the whole container passes a size or compression-ratio limit (zip bomb guard). */
export class AsicSizeLimitError extends CryptoError {
  readonly entryName: string;
  constructor(entryName: string, message: string) {
    super(`ASiC-E entry ${JSON.stringify(entryName)} ${message}`, { code: 'EFM_ASIC_SIZE_LIMIT' });
    this.entryName = entryName;
  }
}

export class AsicDigestMismatchError extends CryptoError {
  readonly entryNames: readonly string[];
  constructor(entryNames: readonly string[]) {
    super(`ASiC-E manifest digest does not match ${entryNames.map((n) => JSON.stringify(n)).join(', ')}`, { code: 'EFM_ASIC_DIGEST_MISMATCH' });
    this.entryNames = entryNames;
  }
}

// --- JOSE

export class JoseError extends CryptoError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_JOSE_INVALID', cause });
  }
}
