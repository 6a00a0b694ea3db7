import { EfmError, UnavailableError } from '../../domain/index.js';

// Failures at the edge of the DPF transport (transports notes §5.4). SvarUt answers a refusal with a
// SOAP fault whose text says what is wrong; only the texts the reference names (SvarUtFaultInterceptor)
// are final, any other fault or an unreachable SvarUt is tried again. SvarInn is plain REST.

/** SvarUt did not answer, timed out, or answered without a SOAP fault we can read. */
export class SvarUtUnavailableError extends UnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_SVARUT_UNAVAILABLE', cause });
  }
}

/** SvarUt answered a SOAP fault; `faultText` is its reason. */
export class SvarUtFaultError extends EfmError {
  readonly faultText: string;
  /** One of the faults no retry changes (a duplicate, unreadable or empty content, …). */
  readonly isFinal: boolean;
  constructor(operation: string, faultText: string, isFinal: boolean) {
    super(`SvarUt refused ${operation}: ${faultText}`, { code: 'EFM_SVARUT_FAULT', kind: 'internal', description: faultText });
    this.faultText = faultText;
    this.isFinal = isFinal;
  }
}

/** No SvarUt or SvarInn credentials are configured for the organisation (api notes §3.3, §5.2 step 12). */
export class MissingFiksCredentialsError extends EfmError {
  constructor(service: 'SvarUt' | 'SvarInn', orgnr: string) {
    super(`${service} credentials not configured for orgnr ${orgnr}`, { code: 'EFM_FIKS_NO_CREDENTIALS', kind: 'validation' });
  }
}

/** A DPF message that cannot become a forsendelse: no readable arkivmelding.xml, a missing file, … */
export class UnsendableForsendelseError extends EfmError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_DPF_UNSENDABLE', kind: 'validation', cause });
  }
}

/** SvarInn did not answer, timed out, or answered 5xx, 408 or 429. */
export class SvarInnUnavailableError extends UnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_SVARINN_UNAVAILABLE', cause });
  }
}

/** SvarInn answered 4xx. */
export class SvarInnRefusedError extends EfmError {
  readonly status: number;
  constructor(operation: string, status: number) {
    super(`SvarInn refused ${operation} (${status})`, { code: 'EFM_SVARINN_REFUSED', kind: 'internal' });
    this.status = status;
  }
}

/** A forsendelse from SvarInn that is no readable message (bad list entry, CMS or zip). */
export class UnreadableForsendelseError extends EfmError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_SVARINN_UNREADABLE', kind: 'validation', cause });
  }
}

/** An `efm.fiks.*.paa-vegne-av` item that is not `<orgnr>=<username>:<password>`; the daemon does not start. */
export class FiksCredentialsEntryError extends EfmError {
  constructor(setting: string, position: number) {
    super(`${setting}[${position}] must be <orgnr>=<username>:<password> with a 9-digit orgnr`, { code: 'EFM_FIKS_BAD_CREDENTIALS_ENTRY', kind: 'validation' });
  }
}

/** An XML document (arkivmelding.xml, a SOAP answer) that is not well-formed or declares a DTD. */
export class XmlReadError extends EfmError {
  constructor(message: string) {
    super(message, { code: 'EFM_DPF_UNREADABLE_XML', kind: 'validation' });
  }
}
