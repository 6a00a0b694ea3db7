import { EfmError } from '../domain/index.js';

/** Why a fetched document changed nothing. */
export type RejectionReason =
  /** Not a compact JWS of our document type, or claims missing or of the wrong type. */
  | 'malformed'
  /** The signature does not verify with a pinned key, or names a key that is not pinned. */
  | 'forged'
  | 'expired'
  /** `iat` or `nbf` lies in the future (beyond the clock tolerance). */
  | 'not-yet-valid'
  /** `aud` is given and does not name our organisation. */
  | 'wrong-audience'
  /** A serial older than the accepted document's, or the same serial with other content. */
  | 'replayed'
  /** A key outside the allow-list, or one that may never be set centrally. */
  | 'disallowed-key'
  /** The merged configuration does not pass the validator, or a value holds a placeholder. */
  | 'invalid';

export class CentralConfigRejectedError extends EfmError {
  readonly reason: RejectionReason;
  readonly serial: number | undefined;

  constructor(reason: RejectionReason, message: string, options: { serial?: number; problems?: EfmError['problems']; cause?: unknown } = {}) {
    super(message, { code: 'EFM_CENTRAL_CONFIG_REJECTED', kind: 'validation', problems: options.problems, cause: options.cause });
    this.reason = reason;
    this.serial = options.serial;
  }
}

/** The hub did not answer with a document. */
export class CentralConfigUnavailableError extends EfmError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_CENTRAL_CONFIG_UNAVAILABLE', kind: 'unavailable', cause });
  }
}

/** The local central-config settings cannot work (no URL, unreadable key file, an allow-list typo). */
export class CentralConfigSetupError extends EfmError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_CENTRAL_CONFIG_SETUP', kind: 'validation', cause });
  }
}
