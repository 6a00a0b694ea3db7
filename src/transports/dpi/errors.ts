import { EfmError, UnavailableError, ValidationError, type FieldProblem } from '../../domain/index.js';

// Failures at the edge of the DPI transport (STYLE.md "translate undici and driver errors"): what a later
// try may fix is Unavailable; what corner 2 refused carries its HTTP status, so the send path can tell a
// refusal no retry will change from one a new token will.

/** Corner 2 did not answer, timed out, or answered 5xx, 408 or 429. */
export class DpiCorner2UnavailableError extends UnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_DPI_CORNER2_UNAVAILABLE', cause });
  }
}

/** Corner 2 answered 4xx; `description` holds the start of its answer. */
export class DpiCorner2RefusedError extends EfmError {
  readonly status: number;
  constructor(operation: string, status: number, body: string) {
    super(`DPI corner 2 refused ${operation} (${status})`, { code: 'EFM_DPI_CORNER2_REFUSED', kind: 'internal', description: body });
    this.status = status;
  }
}

/** The KRR print certificate lookup did not answer, or gave no usable provider and certificate. */
export class DpiPrintLookupError extends UnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_DPI_PRINT_LOOKUP_UNAVAILABLE', cause });
  }
}

/** The business message we built breaks Digdir's DPI JSON Schema; `problems` lists each violation. */
export class DpiBusinessMessageInvalidError extends ValidationError {
  constructor(type: string, problems: FieldProblem[]) {
    super(`the DPI ${type} business message breaks its JSON Schema: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, {
      code: 'EFM_DPI_BUSINESS_MESSAGE_INVALID',
      problems,
    });
  }
}

/** A receipt from corner 2 that cannot be trusted or read: bad JWS, untrusted certificate, schema. */
export class DpiReceiptRejectedError extends EfmError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_DPI_RECEIPT_REJECTED', kind: 'validation', cause });
  }
}

/** The bundled DPI JSON Schemas could not be read or compiled (a broken installation). */
export class DpiSchemasUnreadableError extends EfmError {
  constructor(dir: string, cause: unknown) {
    super(`the DPI JSON Schemas in ${dir} cannot be loaded`, { code: 'EFM_DPI_SCHEMAS_UNREADABLE', kind: 'internal', cause });
  }
}
