import { EfmError, UnavailableError } from '../../domain/index.js';

// Failures at the edge of the DPO transport (STYLE.md "translate undici and driver errors"): what a later
// try may fix is Unavailable, what the peer refused carries its HTTP status so the send path can tell a
// refusal no retry will change from one a new file transfer or a new token will.

/** The broker did not answer, timed out, or answered 5xx, 408 or 429. */
export class AltinnBrokerUnavailableError extends UnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_ALTINN_BROKER_UNAVAILABLE', cause });
  }
}

/** The broker answered 4xx; `detail` is the RFC 7807 `detail` (or `title`) it gave. */
export class AltinnBrokerRefusedError extends EfmError {
  readonly status: number;
  constructor(operation: string, status: number, detail?: string) {
    super(`Altinn broker refused ${operation} (${status})${detail ? `: ${detail}` : ''}`, {
      code: 'EFM_ALTINN_BROKER_REFUSED',
      kind: 'internal',
      description: detail,
    });
    this.status = status;
  }
}

/** The Altinn token exchange did not answer, or answered 5xx. */
export class AltinnTokenUnavailableError extends UnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_ALTINN_TOKEN_UNAVAILABLE', cause });
  }
}

/** The Altinn token exchange refused our Maskinporten token (system user or scope not set up). */
export class AltinnTokenRefusedError extends EfmError {
  readonly status: number;
  constructor(status: number, detail?: string) {
    super(`Altinn refused the token exchange (${status})${detail ? `: ${detail}` : ''}`, {
      code: 'EFM_ALTINN_TOKEN_REFUSED',
      kind: 'internal',
      description: detail,
    });
    this.status = status;
  }
}

/** No Altinn system user is configured for the organisation a message is sent for (api notes §3.3). */
export class NoSystemUserError extends EfmError {
  constructor(orgnr: string) {
    super(`no Altinn system user for organisation ${orgnr}: add it to efm.dpo.reportees (or the reference's difi.move.dpo.reportees[i].org-id and .name)`, {
      code: 'EFM_DPO_NO_SYSTEM_USER',
      kind: 'validation',
    });
  }
}

/** A downloaded file transfer that is not a DPO message we can read; it is confirmed and dropped (§5.1). */
export class UnreadableTransferError extends EfmError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_DPO_UNREADABLE_TRANSFER', kind: 'validation', cause });
  }
}
