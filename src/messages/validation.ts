import type { Readable } from 'node:stream';
import type { Clock } from '../clock/index.js';
import { EfmError, type FieldProblem } from '../domain/errors.js';
import { checkFileFormat, SNIFF_BYTES } from '../domain/file-format.js';
import { checkCombinedSize, isFormatChecked, isPrimaryDocument, mimeTypeFor, validateUpload } from '../domain/file-rules.js';
import type { StandardBusinessDocument } from '../domain/sbd.js';
import { ARKIVMELDING_FILE, validateForSend } from '../domain/send-rules.js';
import { typeOf } from '../domain/sbd-access.js';
import type { ServiceIdentifier } from '../domain/statuses.js';
import type { ArkivmeldingReader } from './arkivmelding-reader.js';
import type { OutgoingRules } from './outgoing-rules.js';
import type { ServiceResolver } from './service-resolver.js';
import type { StrictChecks } from './strict-checks.js';

// The dry run behind POST /api/validation (beyond the reference): every check a message would meet on
// create, upload and send — the strict ones included — with all problems reported at once, and nothing
// stored or sent. Case-system developers test their messages with it.
export interface ValidationProblem {
  code: string;
  message: string;
  field?: string;
  /** `warning` for rules the daemon only enforces in strict mode when it is not strict. */
  severity: 'error' | 'warning';
}

export interface ValidationReport {
  valid: boolean;
  service?: ServiceIdentifier;
  problems: ValidationProblem[];
}

export interface FileToValidate {
  filename: string;
  title?: string;
  mimetype: string;
  content: Readable;
}

export interface MessageValidationOptions {
  rules: OutgoingRules;
  resolver: ServiceResolver;
  arkivmelding: ArkivmeldingReader;
  strict: StrictChecks;
  clock: Clock;
  uploadLimitBytes: (service: ServiceIdentifier) => number;
  allowedFormats: (service: ServiceIdentifier) => readonly string[];
}

interface SeenFile {
  filename: string;
  size: number;
  primaryDocument: boolean;
}

/** Counts a file's bytes and keeps its first few KiB (all of it for arkivmelding.xml, which is small). */
async function inspect(content: Readable, keepAll: boolean, keepLimit: number): Promise<{ size: number; head: Buffer; whole?: Buffer }> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let size = 0;
  let tooBig = false;
  for await (const chunk of content) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    const room = (keepAll ? keepLimit : SNIFF_BYTES) - keptBytes;
    if (room > 0) {
      const part = buf.subarray(0, room);
      kept.push(part);
      keptBytes += part.length;
    }
    if (keepAll && size > keepLimit) tooBig = true;
  }
  const head = Buffer.concat(kept, keptBytes);
  return { size, head: head.subarray(0, SNIFF_BYTES), whole: keepAll && !tooBig ? head : undefined };
}

export class MessageValidation {
  constructor(private readonly o: MessageValidationOptions) {}

  async validate(body: unknown, files: AsyncIterable<FileToValidate>): Promise<ValidationReport> {
    const problems: ValidationProblem[] = [];
    const add = (err: unknown) => problems.push(...problemsOf(err));
    const now = this.o.clock.now();
    let sbd: StandardBusinessDocument | undefined;
    let service: ServiceIdentifier | undefined;
    try {
      const parsed = this.o.rules.parse(body, now);
      const resolution = await this.o.resolver.resolve(parsed);
      service = resolution.service;
      sbd = this.o.rules.withDefaults(parsed, resolution, now);
    } catch (err) {
      add(err);
    }
    if (sbd && service) {
      tryCheck(add, () => this.o.rules.checkCreate(sbd as StandardBusinessDocument, service as ServiceIdentifier, now));
      problems.push(...this.o.rules.businessProblems(sbd, service).map((p) => strictProblem(p, this.o.strict.isStrict)));
    }
    const seen: SeenFile[] = [];
    let arkivmeldingXml: string | undefined;
    for await (const file of files) {
      if (!sbd || !service) {
        file.content.resume();
        continue;
      }
      const isArkivmelding = file.filename === ARKIVMELDING_FILE && typeOf(sbd) === 'arkivmelding';
      tryCheck(add, () => validateUpload({ filename: file.filename, title: file.title, mimeType: mimeTypeFor(file.filename, file.mimetype) }, { sbd: sbd as StandardBusinessDocument, serviceIdentifier: service as ServiceIdentifier, existingFiles: seen }));
      const { size, head, whole } = await inspect(file.content, isArkivmelding, 16 * 1024 * 1024);
      const format = checkFileFormat({ filename: file.filename, leadingBytes: head, allowed: this.o.allowedFormats(service) });
      if (!format.allowed && isFormatChecked(service as ServiceIdentifier, isPrimaryDocument(sbd as StandardBusinessDocument, file.filename))) problems.push({ code: 'EFM_FILE_FORMAT_NOT_ALLOWED', field: file.filename, message: `File '${file.filename}' is not accepted: ${format.reason ?? 'format not allowed'}`, severity: 'error' });
      tryCheck(add, () => checkCombinedSize({ existingFiles: seen, addedBytes: size, serviceIdentifier: service as ServiceIdentifier, limitBytes: this.o.uploadLimitBytes(service as ServiceIdentifier) }));
      seen.push({ filename: file.filename, size, primaryDocument: isPrimaryDocument(sbd, file.filename) });
      if (isArkivmelding && whole) arkivmeldingXml = whole.toString('utf8');
    }
    if (sbd && service) {
      let references: string[] = [];
      if (arkivmeldingXml !== undefined) {
        try {
          references = (await this.o.arkivmelding.parse(arkivmeldingXml)).referencedFiles;
        } catch (err) {
          add(err);
        }
        const xsd = await this.o.strict.arkivmeldingProblems(arkivmeldingXml);
        problems.push(...xsd.map((p) => strictProblem(p, this.o.strict.isStrict)));
      }
      tryCheck(add, () => validateForSend(sbd as StandardBusinessDocument, { now, serviceIdentifier: service as ServiceIdentifier, files: seen, arkivmeldingReferences: references }));
    }
    return { valid: !problems.some((p) => p.severity === 'error'), service, problems };
  }
}

function tryCheck(add: (err: unknown) => void, check: () => void): void {
  try {
    check();
  } catch (err) {
    add(err);
  }
}

function strictProblem(p: FieldProblem, strict: boolean): ValidationProblem {
  return { code: p.code, field: p.field, message: p.message, severity: strict ? 'error' : 'warning' };
}

function problemsOf(err: unknown): ValidationProblem[] {
  if (!(err instanceof EfmError)) throw err;
  if (err.kind === 'unavailable') throw err;
  if (err.problems.length > 0) return err.problems.map((p) => ({ code: err.code, field: p.field, message: p.message, severity: 'error' }));
  return [{ code: err.code, message: err.description ? `${err.message} (${err.description})` : err.message, severity: 'error' }];
}
