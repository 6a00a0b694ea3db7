// Upload checks (api notes §5.3: O2, and each part of O4), plus file-name rules of our own: names end
// up as entries of zip containers (ASiC-E) and files on disk, so they must not carry paths or controls.
import { DuplicateFilenameError, FileTooLargeError } from './errors.js';
import { checkFileFormat } from './file-format.js';
import type { StandardBusinessDocument } from './sbd.js';
import { businessMessageOf, hasText, primaryDocumentNameOf } from './sbd-access.js';
import type { ServiceIdentifier } from './statuses.js';
import {
  FileFormatNotAllowedError, InvalidContentTypeError, InvalidFilenameError, MissingFileTitleError,
  MultiplePrimaryDocumentsNotAllowedError,
} from './validation-errors.js';

export const MAX_FILENAME_BYTES = 255;
export const DPH_MIME_TYPES: readonly string[] = ['application/pdf', 'image/png', 'image/jpeg'];
const MIB = 1_048_576;
const OCTET_STREAM = 'application/octet-stream';

export interface StoredFile {
  filename: string;
  size: number;
  primaryDocument: boolean;
}

export interface UploadCandidate {
  filename: string;
  /** From Content-Disposition `name` or the `title` query parameter. */
  title?: string;
  mimeType: string;
}

export interface UploadContext {
  sbd: StandardBusinessDocument;
  serviceIdentifier: ServiceIdentifier;
  existingFiles: readonly StoredFile[];
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function validateFilename(filename: string): void {
  const fail = (reason: string) => { throw new InvalidFilenameError(filename, reason); };
  if (filename.length === 0) fail('it must not be empty');
  if (Buffer.byteLength(filename, 'utf8') > MAX_FILENAME_BYTES) fail(`it must not be longer than ${MAX_FILENAME_BYTES} bytes`);
  if (CONTROL.test(filename)) fail('it must not contain control characters');
  if (/[/\\]/.test(filename)) fail("it must not contain '/' or '\\'");
  if (filename === '.' || filename === '..') fail("it must not be '.' or '..'");
  if (/^\s|\s$/.test(filename)) fail('it must not start or end with white space');
}

export function isPrimaryDocument(sbd: StandardBusinessDocument, filename: string): boolean {
  return primaryDocumentNameOf(sbd) === filename;
}

function metadataFiler(sbd: StandardBusinessDocument): Record<string, unknown> {
  const value = businessMessageOf(sbd)?.metadataFiler;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The per-file checks of the reference's `validateFile`, in its order; the size is checked while streaming. */
export function validateUpload(file: UploadCandidate, ctx: UploadContext): void {
  validateFilename(file.filename);
  if (ctx.existingFiles.some((f) => f.filename === file.filename)) throw new DuplicateFilenameError(file.filename);
  const primary = isPrimaryDocument(ctx.sbd, file.filename);
  if (primary && ctx.existingFiles.some((f) => f.primaryDocument)) throw new MultiplePrimaryDocumentsNotAllowedError();
  const service = ctx.serviceIdentifier;
  const titled = hasText(file.title);
  if (service === 'DPV' && !titled) throw new MissingFileTitleError('DPV');
  const type = ctx.sbd.standardBusinessDocumentHeader.documentIdentification.type.toLowerCase();
  // DPI lets a file go untitled when it is the primary document or a digital message's metadata file.
  if (service === 'DPI' && !titled && !primary) {
    const isMetadata = type === 'digital' && Object.values(metadataFiler(ctx.sbd)).includes(file.filename);
    if (!isMetadata) throw new MissingFileTitleError('DPI');
  }
  if (service === 'DPH' && !primary) {
    if (type !== 'dialogmelding' || !(file.filename in metadataFiler(ctx.sbd))) throw new MissingFileTitleError('DPH');
    if (!DPH_MIME_TYPES.includes(file.mimeType)) throw new InvalidContentTypeError(file.mimeType);
  }
}

/**
 * Whether the format allow-list (efm.validation.formats.*) applies to a file. It stands for the
 * reference's DPH attachment rule (api notes §5.3), which leaves the primary document alone: that is the
 * dialogmelding XML itself.
 */
export function isFormatChecked(service: ServiceIdentifier, primaryDocument: boolean): boolean {
  return !(service === 'DPH' && primaryDocument);
}

/** Bytes this message may still take before the service's limit (for capping the upload stream). */
export function remainingUploadBytes(existingFiles: readonly StoredFile[], limitBytes: number): number {
  return Math.max(0, limitBytes - existingFiles.reduce((sum, f) => sum + Math.max(0, f.size), 0));
}

/** Sizes under 1 MiB in bytes, others in whole MiB, as the reference's NextMoveFileSizeValidator writes them. */
export function maxFileSizeExceededMessage(totalBytes: number, serviceIdentifier: string, limitBytes: number): string {
  const [total, limit] = totalBytes < MIB
    ? [`${totalBytes}b`, `${limitBytes}b`]
    : [`${Math.floor(totalBytes / MIB)}MB`, `${Math.floor(limitBytes / MIB)}MB`];
  return `The combined file size for all attachments (${total}) exceeds the maximum allowed upload size for the target service (${serviceIdentifier}, ${limit})`;
}

/** The combined size of all files (existing plus this one) must stay within the service's limit. */
export function checkCombinedSize(input: {
  existingFiles: readonly StoredFile[];
  addedBytes: number;
  serviceIdentifier: string;
  limitBytes: number;
}): void {
  const total = input.existingFiles.reduce((sum, f) => sum + Math.max(0, f.size), 0) + input.addedBytes;
  if (total > input.limitBytes) {
    throw new FileTooLargeError(input.limitBytes, maxFileSizeExceededMessage(total, input.serviceIdentifier, input.limitBytes));
  }
}

/** Throws when the file's leading bytes (or its name) fall outside the service's allowed formats. */
export function checkUploadFormat(input: { filename: string; leadingBytes: Buffer; allowed: readonly string[] }): void {
  const result = checkFileFormat(input);
  if (!result.allowed) throw new FileFormatNotAllowedError(input.filename, result.reason ?? 'format not allowed');
}

// The reference's MimeTypeExtensionMapper, plus the common types it lacks (xml, json, csv, tiff, zip, odp,
// ods). Where it falls back to application/pdf for an unknown extension we keep application/octet-stream,
// which does not claim a format the file may not have.
const MIME_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  html: 'text/html',
  htm: 'text/html',
  txt: 'text/plain',
  csv: 'text/csv',
  xml: 'application/xml',
  json: 'application/json',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xltx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.template',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  odf: 'application/vnd.oasis.opendocument.formula',
  gif: 'image/gif',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  zip: 'application/zip',
};

/** The MIME type to record: the given one, unless it is empty or octet-stream (api notes §2.3). */
export function mimeTypeFor(filename: string, given?: string): string {
  const type = given?.trim() ?? '';
  if (type !== '' && type.toLowerCase() !== OCTET_STREAM) return type;
  const dot = filename.lastIndexOf('.');
  return (dot < 0 ? undefined : MIME_TYPES[filename.slice(dot + 1).toLowerCase()]) ?? OCTET_STREAM;
}
