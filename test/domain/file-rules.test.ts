import { describe, expect, it } from 'vitest';
import {
  DuplicateFilenameError, FileFormatNotAllowedError, FileTooLargeError, InvalidContentTypeError, InvalidFilenameError,
  MissingFileTitleError, MultiplePrimaryDocumentsNotAllowedError, checkCombinedSize, checkUploadFormat,
  maxFileSizeExceededMessage, mimeTypeFor, remainingUploadBytes, validateFilename, validateUpload,
  type StoredFile, type UploadContext,
} from '../../src/domain/index.js';
import { sbd } from './builders.js';

const MIB = 1_048_576;
const CTX: UploadContext = { sbd: sbd(), serviceIdentifier: 'DPO', existingFiles: [] };
const stored = (filename: string, size = 10, primaryDocument = false): StoredFile => ({ filename, size, primaryDocument });

const digital = sbd({
  type: 'digital', standard: 'urn:no:difi:digitalpost:xsd:digital::digital', receiver: '09118532322',
  business: { hoveddokument: 'brev.pdf', metadataFiler: { 'vedlegg.pdf': 'meta.xml' } },
});
const dialog = sbd({
  type: 'dialogmelding', standard: 'urn:no:difi:helse:xsd:schema::dialogmelding',
  business: { hoveddokument: 'hoved.pdf', metadataFiler: { 'bilde.png': { description: 'x' } } },
});

describe(validateFilename.name, () => {
  it('accepts ordinary names, also with spaces and non-ASCII letters inside', () => {
    for (const name of ['arkivmelding.xml', 'Søknad om lån.pdf', 'a', '.hidden', 'x'.repeat(255)]) expect(() => validateFilename(name)).not.toThrow();
  });

  it('refuses names that are empty, too long, paths, dots, controls or padded', () => {
    const bad = ['', 'x'.repeat(256), 'ø'.repeat(128), '../etc/passwd', 'a/b.pdf', 'a\\b.pdf', '.', '..', 'a\u0000b', 'tab\there', 'a\u0085b', ' lead.pdf', 'trail.pdf '];
    for (const name of bad) expect(() => validateFilename(name), JSON.stringify(name)).toThrow(InvalidFilenameError);
  });
});

describe(validateUpload.name, () => {
  it('accepts a first file', () => {
    expect(() => validateUpload({ filename: 'arkivmelding.xml', mimeType: 'application/xml' }, CTX)).not.toThrow();
  });

  it('refuses a duplicate file name with the reference text', () => {
    expect(() => validateUpload({ filename: 'a.pdf', mimeType: 'application/pdf' }, { ...CTX, existingFiles: [stored('a.pdf')] }))
      .toThrow(new DuplicateFilenameError('a.pdf'));
  });

  it('refuses a second primary document', () => {
    const ctx = { ...CTX, existingFiles: [stored('other.xml', 1, true)] };
    expect(() => validateUpload({ filename: 'arkivmelding.xml', mimeType: 'application/xml' }, ctx)).toThrow(MultiplePrimaryDocumentsNotAllowedError);
  });

  it('needs a title for every DPV file', () => {
    const ctx = { ...CTX, serviceIdentifier: 'DPV' as const };
    expect(() => validateUpload({ filename: 'a.pdf', mimeType: 'application/pdf', title: ' ' }, ctx))
      .toThrow('Title is required for the following capabilities: DPV');
    expect(() => validateUpload({ filename: 'a.pdf', mimeType: 'application/pdf', title: 'A' }, ctx)).not.toThrow();
  });

  it('lets a DPI file go untitled only as primary document or metadata file', () => {
    const ctx = { ...CTX, sbd: digital, serviceIdentifier: 'DPI' as const };
    expect(() => validateUpload({ filename: 'brev.pdf', mimeType: 'application/pdf' }, ctx)).not.toThrow();
    expect(() => validateUpload({ filename: 'meta.xml', mimeType: 'application/xml' }, ctx)).not.toThrow();
    expect(() => validateUpload({ filename: 'vedlegg.pdf', mimeType: 'application/pdf' }, ctx)).toThrow(MissingFileTitleError);
    expect(() => validateUpload({ filename: 'vedlegg.pdf', mimeType: 'application/pdf', title: 'Vedlegg' }, ctx)).not.toThrow();
  });

  it('holds DPH attachments to metadataFiler keys and PDF, PNG or JPEG', () => {
    const ctx = { ...CTX, sbd: dialog, serviceIdentifier: 'DPH' as const };
    expect(() => validateUpload({ filename: 'hoved.pdf', mimeType: 'text/plain' }, ctx)).not.toThrow();
    expect(() => validateUpload({ filename: 'bilde.png', mimeType: 'image/png' }, ctx)).not.toThrow();
    expect(() => validateUpload({ filename: 'annet.png', mimeType: 'image/png' }, ctx)).toThrow('Title is required for the following capabilities: DPH');
    expect(() => validateUpload({ filename: 'bilde.png', mimeType: 'image/gif' }, ctx)).toThrow(new InvalidContentTypeError('image/gif'));
  });
});

describe('size limits', () => {
  it('writes small sizes in bytes and large ones in whole MB, as the reference', () => {
    expect(maxFileSizeExceededMessage(2000, 'DPE', 1000)).toBe(
      'The combined file size for all attachments (2000b) exceeds the maximum allowed upload size for the target service (DPE, 1000b)');
    expect(maxFileSizeExceededMessage(3 * MIB + 5, 'DPE', 2 * MIB)).toBe(
      'The combined file size for all attachments (3MB) exceeds the maximum allowed upload size for the target service (DPE, 2MB)');
  });

  it('counts existing files with the new one against the limit', () => {
    const existingFiles = [stored('a', MIB), stored('b', MIB)];
    expect(() => checkCombinedSize({ existingFiles, addedBytes: 0, serviceIdentifier: 'DPE', limitBytes: 2 * MIB })).not.toThrow();
    let error: unknown;
    try { checkCombinedSize({ existingFiles, addedBytes: 1, serviceIdentifier: 'DPE', limitBytes: 2 * MIB }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect((error as FileTooLargeError).exception).toBe('no.difi.meldingsutveksling.exceptions.MaxFileSizeExceededException');
    expect((error as FileTooLargeError).message).toContain('(DPE, 2MB)');
  });

  it('tells how many bytes a message may still take', () => {
    expect(remainingUploadBytes([stored('a', 300), stored('b', -1)], 1000)).toBe(700);
    expect(remainingUploadBytes([stored('a', 2000)], 1000)).toBe(0);
  });
});

describe(checkUploadFormat.name, () => {
  it('throws when the content does not match the allow-list', () => {
    expect(() => checkUploadFormat({ filename: 'a.pdf', leadingBytes: Buffer.from('hello'), allowed: ['pdf'] })).toThrow(FileFormatNotAllowedError);
    expect(() => checkUploadFormat({ filename: 'a.pdf', leadingBytes: Buffer.from('%PDF-1.7'), allowed: ['pdf'] })).not.toThrow();
  });
});

describe(mimeTypeFor.name, () => {
  it('keeps a given type and derives one from the extension for empty or octet-stream', () => {
    expect(mimeTypeFor('a.pdf', 'text/plain')).toBe('text/plain');
    expect(mimeTypeFor('a.PDF', '')).toBe('application/pdf');
    expect(mimeTypeFor('a.xml', 'application/octet-stream')).toBe('application/xml');
    expect(mimeTypeFor('a.docx')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(mimeTypeFor('a.unknown', '')).toBe('application/octet-stream');
    expect(mimeTypeFor('noext')).toBe('application/octet-stream');
  });
});
