import { EfmError, type ErrorKind } from '../domain/index.js';

// Failures of the self-updater. A refused release (bad digest, bad or unknown signature, unsafe archive)
// is `validation`: the hub's input, never started. A hub that cannot be reached is `unavailable`: the
// next scheduled check tries again. A local setup problem (keys, install root) is `internal`.

interface UpdateErrorOptions {
  code: string;
  kind: ErrorKind;
  cause?: unknown;
}

export class UpdateError extends EfmError {
  constructor(message: string, options: UpdateErrorOptions) {
    super(message, { code: options.code, kind: options.kind, cause: options.cause });
  }
}

/** A release that must not be started: the reason is in `code`. */
export class ReleaseRefusedError extends UpdateError {
  constructor(message: string, code: string, cause?: unknown) {
    super(message, { code, kind: 'validation', cause });
  }
}

export class DigestMismatchError extends ReleaseRefusedError {
  constructor(file: string, expected: string, actual: string) {
    super(`SHA-256 of ${file} is ${actual}, the published digest is ${expected}`, 'EFM_UPDATE_DIGEST_MISMATCH');
  }
}

export class SignatureInvalidError extends ReleaseRefusedError {
  constructor(file: string, cause?: unknown) {
    super(`the detached signature of ${file} does not verify`, 'EFM_UPDATE_SIGNATURE_INVALID', cause);
  }
}

export class SignerUnknownError extends ReleaseRefusedError {
  constructor(file: string, keyIds: readonly string[]) {
    super(`${file} is signed by key ${keyIds.join(', ') || '(none)'}, which is not a pinned key`, 'EFM_UPDATE_SIGNER_UNKNOWN');
  }
}

/** ops notes §1.5: the reference refuses a signer key that has expired or been revoked; so do we. */
export class SignerNotValidError extends ReleaseRefusedError {
  constructor(fingerprint: string, reason: 'expired' | 'revoked') {
    super(`pinned key ${fingerprint} has ${reason}`, 'EFM_UPDATE_SIGNER_NOT_VALID');
  }
}

export class ArchiveInvalidError extends ReleaseRefusedError {
  constructor(message: string, cause?: unknown) {
    super(message, 'EFM_UPDATE_ARCHIVE_INVALID', cause);
  }
}

export class ManifestInvalidError extends ReleaseRefusedError {
  constructor(message: string) {
    super(message, 'EFM_UPDATE_MANIFEST_INVALID');
  }
}

/** A version on disk whose verification record is missing or no longer matches what is there. */
export class NotVerifiedError extends ReleaseRefusedError {
  constructor(version: string, reason: string) {
    super(`version ${version} is not verified: ${reason}`, 'EFM_UPDATE_NOT_VERIFIED');
  }
}

export class FeedInvalidError extends UpdateError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_UPDATE_FEED_INVALID', kind: 'validation', cause });
  }
}

export class HubUnavailableError extends UpdateError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_UPDATE_HUB_UNAVAILABLE', kind: 'unavailable', cause });
  }
}

export class ArchiveTooLargeError extends ReleaseRefusedError {
  constructor(url: string, maxBytes: number) {
    super(`${url} is larger than ${maxBytes} bytes`, 'EFM_UPDATE_ARCHIVE_TOO_LARGE');
  }
}

/** The operator's update settings or files cannot work (no keys, unreadable key file, bad window). */
export class UpdateSetupError extends UpdateError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_UPDATE_SETUP_INVALID', kind: 'internal', cause });
  }
}
