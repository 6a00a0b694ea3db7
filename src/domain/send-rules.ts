// The send-time checks of api notes §5.4 (O3, and the end of the one-shot multipart create), in the
// reference's order.
import { isFileRequired, toMessageType } from './catalogue.js';
import type { StandardBusinessDocument } from './sbd.js';
import { businessMessageOf, expectedResponseDateTimeOf, isExpired } from './sbd-access.js';
import type { ServiceIdentifier } from './statuses.js';
import {
  FileNotFoundError, MissingArkivmeldingError, MissingArkivmeldingFileError, MissingFileError,
  MissingPrimaryDocumentError, TimeToLiveExpiredError,
} from './validation-errors.js';

export const ARKIVMELDING_FILE = 'arkivmelding.xml';

export interface MessageFile {
  filename: string;
  primaryDocument: boolean;
}

export interface SendRulesContext {
  now: Date;
  serviceIdentifier: ServiceIdentifier;
  files: readonly MessageFile[];
  /**
   * For an arkivmelding: the files its `dokumentobjekt/referanseDokumentfil` name, read from the uploaded
   * arkivmelding.xml (`parseArkivmelding`). Needed when that file is present.
   */
  arkivmeldingReferences?: readonly string[];
}

export function checkFilesPresent(sbd: StandardBusinessDocument, files: readonly MessageFile[]): void {
  const type = toMessageType(sbd.standardBusinessDocumentHeader.documentIdentification.type);
  if (type !== undefined && isFileRequired(type) && files.length === 0) throw new MissingFileError();
}

/** Throws TimeToLiveExpiredError; its caller registers LEVETID_UTLOPT and then answers 400. */
export function checkTimeToLive(sbd: StandardBusinessDocument, now: Date): void {
  const text = expectedResponseDateTimeOf(sbd);
  if (text !== undefined && isExpired(sbd, now)) throw new TimeToLiveExpiredError(text);
}

/** Every file the arkivmelding references must be uploaded; names the missing ones, comma-joined. */
export function checkArkivmeldingFiles(files: readonly MessageFile[], references: readonly string[]): void {
  const names = new Set(files.map((f) => f.filename));
  const missing = references.filter((r) => !names.has(r));
  if (missing.length > 0) throw new MissingArkivmeldingFileError(missing);
}

/** `digital`: every key and value of `metadataFiler` must be an uploaded file (404, as the reference). */
export function checkMetadataFiles(sbd: StandardBusinessDocument, files: readonly MessageFile[]): void {
  const metadata = businessMessageOf(sbd)?.metadataFiler;
  if (typeof metadata !== 'object' || metadata === null) return;
  const names = new Set(files.map((f) => f.filename));
  const referenced = new Set<string>();
  for (const [key, value] of Object.entries(metadata)) {
    referenced.add(key);
    if (typeof value === 'string') referenced.add(value);
  }
  const missing = [...referenced].filter((r) => !names.has(r));
  if (missing.length > 0) throw new FileNotFoundError(missing);
}

export function checkPrimaryDocument(sbd: StandardBusinessDocument, service: ServiceIdentifier, files: readonly MessageFile[]): void {
  const type = toMessageType(sbd.standardBusinessDocumentHeader.documentIdentification.type);
  const needsPrimary = service === 'DPI' || (service === 'DPH' && type === 'dialogmelding');
  if (needsPrimary && !files.some((f) => f.primaryDocument)) throw new MissingPrimaryDocumentError();
}

/** Runs all send checks and throws the first failure. */
export function validateForSend(sbd: StandardBusinessDocument, ctx: SendRulesContext): void {
  checkFilesPresent(sbd, ctx.files);
  checkTimeToLive(sbd, ctx.now);
  const type = toMessageType(sbd.standardBusinessDocumentHeader.documentIdentification.type);
  if (type === 'arkivmelding') {
    if (!ctx.files.some((f) => f.filename === ARKIVMELDING_FILE)) throw new MissingArkivmeldingError();
    if (ctx.arkivmeldingReferences === undefined) {
      throw new TypeError('validateForSend needs the arkivmelding references of an arkivmelding message');
    }
    checkArkivmeldingFiles(ctx.files, ctx.arkivmeldingReferences);
  }
  if (type === 'digital') checkMetadataFiles(sbd, ctx.files);
  checkPrimaryDocument(sbd, ctx.serviceIdentifier, ctx.files);
}
