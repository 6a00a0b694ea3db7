// The typed refusals of the validation rules (api notes §5). Each keeps the reference's exception class
// name and, where the reference's messages.properties has one, its message text, because reference
// clients show both to their users.
import { NotFoundError, ValidationError, type FieldProblem } from './errors.js';

const EXCEPTIONS = 'no.difi.meldingsutveksling.exceptions';

/** Bean validation of the SBD failed (api notes §5.1); every problem found is in `problems`. */
export class InvalidSbdError extends ValidationError {
  constructor(problems: FieldProblem[]) {
    super(`Validation failed: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, {
      code: 'EFM_INVALID_SBD',
      exception: 'org.springframework.web.bind.MethodArgumentNotValidException',
      problems,
    });
  }
}

export class UnknownMessageTypeError extends ValidationError {
  constructor(type: string, expected: readonly string[], problems: FieldProblem[] = []) {
    super(`Unknown NextMove document type ${type}. Expected one of the following values: ${expected.join(', ')}`, {
      code: 'EFM_UNKNOWN_MESSAGE_TYPE',
      problems,
    });
  }
}

export class MessageTypeDoesNotFitDocumentTypeError extends ValidationError {
  constructor(type: string, standard: string) {
    super(`Message type ${type} does not match the document type ${standard}`, { code: 'EFM_MESSAGE_TYPE_DOES_NOT_FIT_DOCUMENT_TYPE' });
  }
}

export class ServiceNotEnabledError extends ValidationError {
  constructor(serviceIdentifier: string) {
    super(`Service ${serviceIdentifier} is not enabled`, { code: 'EFM_SERVICE_NOT_ENABLED' });
  }
}

export class MessageChannelInvalidError extends ValidationError {
  constructor(configured: string, found: string) {
    super(`Valid channels: ${configured}, but found ${found} in SBDH`, { code: 'EFM_MESSAGE_CHANNEL_INVALID' });
  }
}

/** A `print` message lacks an address part; `field` names it as the reference does (api notes §5.2 step 9). */
export class MissingAddressInformationError extends ValidationError {
  readonly field: string;
  constructor(field: string) {
    super(`Missing address information: ${field}`, { code: 'EFM_MISSING_ADDRESS_INFORMATION' });
    this.field = field;
  }
}

export class MissingSvarUtCredentialsError extends ValidationError {
  constructor(orgNumber: string) {
    super(`SvarUt credentials not configured for orgnr ${orgNumber}`, { code: 'EFM_MISSING_SVARUT_CREDENTIALS' });
  }
}

export class ForsendelseTypeNotFoundError extends ValidationError {
  constructor(forsendelseType: string, validTypes: readonly string[]) {
    super(`Forsendelsetype ${forsendelseType} is not one of the sender's SvarUt forsendelsestyper: ${validTypes.join(',')}`, {
      code: 'EFM_FORSENDELSE_TYPE_NOT_FOUND',
    });
  }
}

/** The SBD's sender cannot send through this integration point. */
export class SenderError extends ValidationError {
  constructor(message: string) {
    super(message, { code: 'EFM_INVALID_SENDER' });
  }
}

export class ReceiverError extends ValidationError {
  constructor(message: string) {
    super(message, { code: 'EFM_INVALID_RECEIVER' });
  }
}

/**
 * `expectedResponseDateTime` has passed at send. The caller registers LEVETID_UTLOPT before it answers
 * 400 (api notes §4.5), so this is a class of its own.
 */
export class TimeToLiveExpiredError extends ValidationError {
  readonly expectedResponseDateTime: string;
  constructor(expectedResponseDateTime: string) {
    super(`ExpectedResponseDateTime ${expectedResponseDateTime} has been exceeded. Please resend the message`, {
      code: 'EFM_TIME_TO_LIVE_EXPIRED',
      exception: `${EXCEPTIONS}.TimeToLiveException`,
    });
    this.expectedResponseDateTime = expectedResponseDateTime;
  }
}

export class MissingFileError extends ValidationError {
  constructor() {
    super('There must always be at least one attachment', { code: 'EFM_MISSING_FILE' });
  }
}

export class MissingArkivmeldingError extends ValidationError {
  constructor() {
    super('DPO message type requires arkivmelding.xml attachment', { code: 'EFM_MISSING_ARKIVMELDING' });
  }
}

export class MissingArkivmeldingFileError extends ValidationError {
  readonly missing: readonly string[];
  constructor(missing: readonly string[]) {
    super(`File(s) defined in arkivmelding, but not found in message: ${missing.join(',')}`, { code: 'EFM_MISSING_ARKIVMELDING_FILE' });
    this.missing = missing;
  }
}

/** arkivmelding.xml is not well-formed, carries a DTD, or (strict mode) breaks its schema. */
export class UnmarshalArkivmeldingError extends ValidationError {
  constructor(description: string, problems: FieldProblem[] = []) {
    super('Unable to unmarshal arkivmelding', { code: 'EFM_INVALID_ARKIVMELDING', description, problems });
  }
}

/** The reference really answers 404 here (api notes §5.4 step 5, §8 item 7). */
export class FileNotFoundError extends NotFoundError {
  constructor(missing: readonly string[]) {
    super(`File(s) named ${missing.join(', ')} was not found`, { code: 'EFM_FILE_NOT_FOUND', exception: `${EXCEPTIONS}.FileNotFoundException` });
  }
}

export class MissingPrimaryDocumentError extends ValidationError {
  constructor() {
    super(
      'Missing a primary document. Please specify the hoveddokument property in the business message and verify that is equal to one of the filenames.',
      { code: 'EFM_MISSING_PRIMARY_DOCUMENT' },
    );
  }
}

export class MultiplePrimaryDocumentsNotAllowedError extends ValidationError {
  constructor() {
    super('Messages can only contain one primary document', { code: 'EFM_MULTIPLE_PRIMARY_DOCUMENTS' });
  }
}

export class MissingFileTitleError extends ValidationError {
  constructor(serviceIdentifier: string) {
    super(`Title is required for the following capabilities: ${serviceIdentifier}`, { code: 'EFM_MISSING_FILE_TITLE' });
  }
}

export class InvalidContentTypeError extends ValidationError {
  constructor(contentType: string) {
    super(`Invalid content type: ${contentType}`, { code: 'EFM_INVALID_CONTENT_TYPE' });
  }
}

/** A file name that could escape or corrupt the containers it is written into. Beyond the reference. */
export class InvalidFilenameError extends ValidationError {
  constructor(filename: string, reason: string) {
    super(`Invalid filename '${filename}': ${reason}`, { code: 'EFM_INVALID_FILENAME' });
  }
}

/** The content's format is outside the service's allow-list. Beyond the reference. */
export class FileFormatNotAllowedError extends ValidationError {
  constructor(filename: string, reason: string) {
    super(`File '${filename}' is not accepted: ${reason}`, { code: 'EFM_FILE_FORMAT_NOT_ALLOWED' });
  }
}
