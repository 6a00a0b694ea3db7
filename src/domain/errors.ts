// Typed failures. Each has a stable `code` (listed in docs/errors.md) and a `kind` that the one HTTP
// error mapper in api/ turns into a status. `exception` is the reference's exception class name, which
// reference clients see in the error body's `exception` member (api notes §1.3).
export type ErrorKind =
  | 'validation' // 400
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not-found' // 404
  | 'conflict' // 409
  | 'too-large' // 413
  | 'no-content' // 204
  | 'unavailable' // 503
  | 'internal'; // 500

/** One field-level problem, shaped like Spring's binding errors (api notes §1.3 `errors[]`). */
export interface FieldProblem {
  field: string;
  message: string;
  code: string;
  rejectedValue?: unknown;
}

export interface EfmErrorOptions {
  code: string;
  kind: ErrorKind;
  exception?: string;
  /** Extra text the reference puts in `description` (e.g. the Service Registry's error text). */
  description?: string;
  problems?: FieldProblem[];
  /** Seconds a client should wait before retrying (503). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

const REFERENCE_PACKAGE = 'no.difi.meldingsutveksling.exceptions';

export class EfmError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly exception: string;
  readonly description?: string;
  readonly problems: FieldProblem[];
  readonly retryAfterSeconds?: number;

  constructor(message: string, options: EfmErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.kind = options.kind;
    this.exception = options.exception ?? `${REFERENCE_PACKAGE}.${new.target.name.replace(/Error$/, 'Exception')}`;
    this.description = options.description;
    this.problems = options.problems ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Bad input that no retry will fix. */
export class ValidationError extends EfmError {
  constructor(message: string, options: Partial<EfmErrorOptions> & { code: string }) {
    super(message, { kind: 'validation', ...options });
  }
}

export class NotFoundError extends EfmError {
  constructor(message: string, options: Partial<EfmErrorOptions> & { code: string }) {
    super(message, { kind: 'not-found', ...options });
  }
}

export class MessageNotFoundError extends NotFoundError {
  constructor(messageId: string) {
    super(`Message with messageId = ${messageId} was not found`, {
      code: 'EFM_MESSAGE_NOT_FOUND',
      exception: `${REFERENCE_PACKAGE}.MessageNotFoundException`,
    });
  }
}

/** A dependency (Service Registry, database) cannot answer now; the client may retry. */
export class UnavailableError extends EfmError {
  constructor(message: string, options: Partial<EfmErrorOptions> & { code: string }) {
    super(message, { kind: 'unavailable', retryAfterSeconds: 30, ...options });
  }
}

export class MessageAlreadyExistsError extends ValidationError {
  constructor(messageId: string) {
    super(`Message with messageId = ${messageId} already exists`, { code: 'EFM_MESSAGE_ALREADY_EXISTS', exception: `${REFERENCE_PACKAGE}.MessageAlreadyExistsException` });
  }
}

export class DuplicateFilenameError extends ValidationError {
  constructor(filename: string) {
    super(`Filename already exists in message: ${filename}.`, { code: 'EFM_DUPLICATE_FILENAME', exception: `${REFERENCE_PACKAGE}.DuplicateFilenameException` });
  }
}

/** The content passed the byte limit while it was streamed; nothing was kept. */
export class FileTooLargeError extends ValidationError {
  readonly limitBytes: number;
  constructor(limitBytes: number, message = `The file exceeds the limit of ${limitBytes} bytes`) {
    super(message, { code: 'EFM_MAX_FILE_SIZE_EXCEEDED', exception: `${REFERENCE_PACKAGE}.MaxFileSizeExceededException` });
    this.limitBytes = limitBytes;
  }
}
