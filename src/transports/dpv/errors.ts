import { EfmError, UnavailableError } from '../../domain/index.js';

// Failures at the edge of the DPV transport: what a later try may fix is Unavailable; a refusal carries
// the HTTP status, so the send path can tell a 409 (already created), a 401 (new token) and the 4xx that
// no retry changes (transports notes §5.2 errors) apart.

/** The correspondence API or the Altinn token source did not answer, timed out, or answered 5xx, 408 or 429. */
export class CorrespondenceUnavailableError extends UnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_CORRESPONDENCE_UNAVAILABLE', cause });
  }
}

/** The correspondence API answered 4xx; `description` is the RFC 7807 `detail` (or `title`) it gave. */
export class CorrespondenceRefusedError extends EfmError {
  readonly status: number;
  constructor(operation: string, status: number, detail?: string) {
    super(`Altinn correspondence refused ${operation} (${status})${detail ? `: ${detail}` : ''}`, {
      code: 'EFM_CORRESPONDENCE_REFUSED',
      kind: 'internal',
      description: detail,
    });
    this.status = status;
  }
}

/** A stored file did not yield the number of bytes it was recorded with; its upload was broken off. */
export class FileSizeMismatchError extends EfmError {
  constructor(filename: string, expected: number, actual: number) {
    super(`file ${filename} has ${actual} bytes, not the ${expected} it was recorded with`, { code: 'EFM_FILE_SIZE_MISMATCH', kind: 'internal' });
  }
}
