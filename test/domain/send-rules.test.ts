import { describe, expect, it } from 'vitest';
import {
  FileNotFoundError, MissingArkivmeldingError, MissingArkivmeldingFileError, MissingFileError, MissingPrimaryDocumentError,
  TimeToLiveExpiredError, validateForSend, type MessageFile, type SendRulesContext,
} from '../../src/domain/index.js';
import { HARNESS_NOW, sbd } from './builders.js';

const ARKIV: MessageFile = { filename: 'arkivmelding.xml', primaryDocument: true };
const PDF: MessageFile = { filename: 'test.pdf', primaryDocument: false };
const CTX: SendRulesContext = { now: HARNESS_NOW, serviceIdentifier: 'DPO', files: [ARKIV, PDF], arkivmeldingReferences: ['test.pdf'] };

const digital = (business: Record<string, unknown>) => sbd({
  type: 'digital', standard: 'urn:no:difi:digitalpost:xsd:digital::digital', process: 'urn:no:difi:profile:digitalpost:info:ver1.0',
  receiver: '09118532322', business: { hoveddokument: 'brev.pdf', ...business },
});

function errorOf(fn: () => void): Error {
  try { fn(); } catch (e) { if (e instanceof Error) return e; }
  throw new Error('expected a refusal');
}

describe(validateForSend.name, () => {
  it('passes an arkivmelding with its referenced files', () => {
    expect(() => validateForSend(sbd(), CTX)).not.toThrow();
  });

  it('needs at least one file, except for avtalt, status and receipts', () => {
    const e = errorOf(() => validateForSend(sbd(), { ...CTX, files: [] }));
    expect(e).toBeInstanceOf(MissingFileError);
    expect(e.message).toBe('There must always be at least one attachment');
    for (const type of ['avtalt', 'status', 'arkivmelding_kvittering']) {
      expect(() => validateForSend(sbd({ type, standard: `urn:x::${type}` }), { ...CTX, files: [] })).not.toThrow();
    }
  });

  it('refuses an expired message with its own error and the reference text', () => {
    const expired = sbd({ expectedResponseDateTime: '2019-03-25T12:00:00+01:00' });
    const e = errorOf(() => validateForSend(expired, CTX));
    expect(e).toBeInstanceOf(TimeToLiveExpiredError);
    expect(e.message).toBe('ExpectedResponseDateTime 2019-03-25T12:00:00+01:00 has been exceeded. Please resend the message');
    expect((e as TimeToLiveExpiredError).exception).toBe('no.difi.meldingsutveksling.exceptions.TimeToLiveException');
    expect((e as TimeToLiveExpiredError).kind).toBe('validation');
  });

  it('is not expired at the very instant of the expiry', () => {
    expect(() => validateForSend(sbd({ expectedResponseDateTime: '2019-03-25T12:38:23+01:00' }), CTX)).not.toThrow();
  });

  it('needs arkivmelding.xml for an arkivmelding', () => {
    const e = errorOf(() => validateForSend(sbd(), { ...CTX, files: [PDF] }));
    expect(e).toBeInstanceOf(MissingArkivmeldingError);
    expect(e.message).toBe('DPO message type requires arkivmelding.xml attachment');
  });

  it('names every referenced file that was not uploaded', () => {
    const e = errorOf(() => validateForSend(sbd(), { ...CTX, arkivmeldingReferences: ['test.pdf', 'a.pdf', 'b.pdf'] }));
    expect(e).toBeInstanceOf(MissingArkivmeldingFileError);
    expect(e.message).toBe('File(s) defined in arkivmelding, but not found in message: a.pdf,b.pdf');
  });

  it('will not skip the reference check silently when the caller gives no references', () => {
    expect(() => validateForSend(sbd(), { ...CTX, arkivmeldingReferences: undefined })).toThrow(TypeError);
  });

  it('answers 404 for digital metadata files that were not uploaded', () => {
    const files = [{ filename: 'brev.pdf', primaryDocument: true }, { filename: 'vedlegg.pdf', primaryDocument: false }];
    const ctx = { ...CTX, serviceIdentifier: 'DPI' as const, files };
    expect(() => validateForSend(digital({ metadataFiler: { 'vedlegg.pdf': 'brev.pdf' } }), ctx)).not.toThrow();
    const e = errorOf(() => validateForSend(digital({ metadataFiler: { 'vedlegg.pdf': 'meta.xml', 'x.pdf': 'brev.pdf' } }), ctx));
    expect(e).toBeInstanceOf(FileNotFoundError);
    expect(e.message).toBe('File(s) named meta.xml, x.pdf was not found');
    expect((e as FileNotFoundError).kind).toBe('not-found');
  });

  it('needs a primary document for DPI and for a DPH dialogmelding', () => {
    const files = [{ filename: 'other.pdf', primaryDocument: false }];
    expect(() => validateForSend(digital({}), { ...CTX, serviceIdentifier: 'DPI', files })).toThrow(MissingPrimaryDocumentError);
    const dialog = sbd({ type: 'dialogmelding', standard: 'urn:no:difi:helse:xsd:schema::dialogmelding' });
    expect(() => validateForSend(dialog, { ...CTX, serviceIdentifier: 'DPH', files })).toThrow(MissingPrimaryDocumentError);
    const avtalt = sbd({ type: 'avtalt', standard: 'urn:no:difi:avtalt:xsd::avtalt' });
    expect(() => validateForSend(avtalt, { ...CTX, files })).not.toThrow();
  });
});
