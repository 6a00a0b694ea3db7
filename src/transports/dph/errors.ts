import { EfmError, UnavailableError } from '../../domain/index.js';

// Failures at the edge of the DPH transport (STYLE.md "translate undici and driver errors"): what a later
// try may fix is Unavailable; what the nhn-adapter refused carries its HTTP status, so the send path can
// tell a refusal no retry will change from one a new token will; an incoming message that cannot be
// trusted or read carries the code of the application receipt that rejects it.

/** The nhn-adapter did not answer, timed out, or answered 5xx, 408 or 429. */
export class DphAdapterUnavailableError extends UnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_DPH_ADAPTER_UNAVAILABLE', cause });
  }
}

/** The nhn-adapter answered 4xx; `description` holds the start of its answer. */
export class DphAdapterRefusedError extends EfmError {
  readonly status: number;
  constructor(operation: string, status: number, body: string) {
    super(`the nhn-adapter refused ${operation} (${status})`, { code: 'EFM_DPH_ADAPTER_REFUSED', kind: 'internal', description: body });
    this.status = status;
  }
}

/** A HER id without an organisation in the Service Registry: no token can be asked for on its behalf. */
export class DphUnknownHerIdError extends EfmError {
  constructor(herId: string, cause?: unknown) {
    super(`the Service Registry names no organisation for her-id:${herId}`, { code: 'EFM_DPH_UNKNOWN_HER_ID', kind: 'validation', cause });
  }
}

/**
 * The adapter's certificate (`virksert/991825827`) cannot be read as a certificate. The message that
 * needed it is tried again: the registry may serve a good one later.
 */
export class DphAdapterCertificateError extends UnavailableError {
  constructor(cause: unknown) {
    super('the nhn-adapter certificate from the Service Registry is unusable', { code: 'EFM_DPH_ADAPTER_CERTIFICATE', cause });
  }
}

/**
 * Application receipt error codes (the KITH code list 8221 the reference sends in a rejecting
 * dialogmelding_kvittering) for what can be wrong with an incoming message at our end.
 */
export const REJECTION_CODES = {
  /** S01 Feil på signatur. */
  signature: { code: 'S01', text: 'Feil på signatur' },
  /** S02 Ugyldig sertifikat: the JWE is not for our key, or the signer is not the adapter. */
  certificate: { code: 'S02', text: 'Ugyldig sertifikat' },
  /** T10 Støtter ikke meldingsformatet. */
  unsupported: { code: 'T10', text: 'Støtter ikke meldingsformatet' },
  /** T99 Annen feil på format. */
  format: { code: 'T99', text: 'Annen feil på format' },
} as const;

export type RejectionCode = (typeof REJECTION_CODES)[keyof typeof REJECTION_CODES];

/** An incoming message we will not take: it is answered with a REJECTED application receipt and marked read. */
export class DphIncomingRejectedError extends EfmError {
  readonly rejection: RejectionCode;
  constructor(rejection: RejectionCode, detail: string, cause?: unknown) {
    super(`incoming DPH message rejected (${rejection.code} ${rejection.text}): ${detail}`, { code: 'EFM_DPH_INCOMING_REJECTED', kind: 'validation', cause });
    this.rejection = rejection;
  }
}
