import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, jsonOf, pdfBytes, postJson } from '../support/http.js';
import { arkivmeldingSbd, arkivmeldingXml } from '../support/sbd.js';
import { startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// POST /api/validation, the dry run beyond the reference: every check, all problems at once, nothing
// stored or sent.
interface Report {
  valid: boolean;
  service?: string;
  problems: { code: string; message: string; field?: string; severity: 'error' | 'warning' }[];
}

const avtaltSbd = () => arkivmeldingSbd({
  type: 'avtalt', process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0', standard: 'urn:no:difi:avtalt:xsd::avtalt',
  business: { identifier: 'byggesak-v1', content: { sak: 42 } },
});

/** Breaks a documented rule the reference does not enforce: sikkerhetsnivaa must be 3 or 4. */
const laxSbd = () => arkivmeldingSbd({ business: { hoveddokument: 'vedtak.pdf', sikkerhetsnivaa: 'hoy' } });

function multipart(sbd: unknown, files: { name: string; filename: string; type: string; bytes: Buffer | string }[]): FormData {
  const f = new FormData();
  f.append('sbd', JSON.stringify(sbd));
  for (const file of files) f.append(file.name, new Blob([file.bytes], { type: file.type }), file.filename);
  return f;
}

const arkivmeldingFile = (files: string[]) => ({ name: 'Arkivmelding', filename: 'arkivmelding.xml', type: 'application/xml', bytes: arkivmeldingXml('Vedtak', files) });
const pdfFile = (filename: string) => ({ name: 'Dokument', filename, type: 'application/pdf', bytes: pdfBytes(2000) });

describe('POST /api/validation', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  afterAll(async () => { await t.close(); });

  const validate = async (body: unknown) => {
    const res = await postJson(t, '/api/validation', body);
    expect(res.status).toBe(200);
    return jsonOf<Report>(res);
  };
  const validateForm = async (form: FormData) => {
    const res = await t.api('/api/validation', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    return jsonOf<Report>(res);
  };

  it('refuses a request without credentials with 401', async () => {
    expect((await t.api('/api/validation', { method: 'POST', auth: false })).status).toBe(401);
  });

  it('answers 400 for a body that is neither JSON nor multipart, and for files before the sbd part', async () => {
    const text = await t.api('/api/validation', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(400);
    expect((await errorOf(text)).message).toBe('Send the SBD as application/json, or multipart/form-data with a part named sbd');
    const form = new FormData();
    form.append('Dokument', new Blob([pdfBytes(100)]), 'vedtak.pdf');
    form.append('sbd', JSON.stringify(avtaltSbd()));
    const early = await t.api('/api/validation', { method: 'POST', body: form });
    expect(early.status).toBe(400);
    expect((await errorOf(early)).message).toBe('The part named sbd must come before the file parts');
  });

  it('answers 400, not 500, for multipart without a boundary or with a broken body', async () => {
    for (const [contentType, body] of [['multipart/form-data', 'x'], ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="sbd"\r\n\r\n{}']]) {
      const res = await t.api('/api/validation', { method: 'POST', headers: { 'content-type': contentType ?? '' }, body });
      expect(res.status, contentType).toBe(400);
      expect((await errorOf(res)).code).toBe('EFM_INVALID_VALIDATION_REQUEST');
    }
  });

  it('reports a valid JSON SBD as valid with the service it would go by', async () => {
    expect(await validate(avtaltSbd())).toEqual({ valid: true, service: 'DPO', problems: [] });
  });

  it('reports several problems at once: the type does not fit the standard, and there are no files', async () => {
    const report = await validate(arkivmeldingSbd({ process: 'urn:no:difi:profile:arkivmelding:response:ver1.0', standard: 'urn:no:difi:eformidling:xsd::status' }));
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => [p.code, p.severity])).toEqual([
      ['EFM_MESSAGE_TYPE_DOES_NOT_FIT_DOCUMENT_TYPE', 'error'], ['EFM_MISSING_FILE', 'error'],
    ]);
  });

  it('reports an unreadable SBD as problems, not as an error answer', async () => {
    const report = await validate({ standardBusinessDocumentHeader: { headerVersion: '1.0' }, arkivmelding: {} });
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => p.field)).toEqual(expect.arrayContaining([
      'standardBusinessDocumentHeader.documentIdentification', 'standardBusinessDocumentHeader.businessScope',
    ]));
  });

  it('checks files sent with the SBD: duplicates, and files arkivmelding.xml names but the message lacks', async () => {
    const report = await validateForm(multipart(arkivmeldingSbd(), [arkivmeldingFile(['vedtak.pdf', 'vedlegg.pdf']), pdfFile('vedtak.pdf'), pdfFile('vedtak.pdf')]));
    expect(report.valid).toBe(false);
    const errors = report.problems.filter((p) => p.severity === 'error').map((p) => p.code);
    expect(errors).toEqual(['EFM_DUPLICATE_FILENAME', 'EFM_MISSING_ARKIVMELDING_FILE']);
    expect(report.problems.find((p) => p.code === 'EFM_MISSING_ARKIVMELDING_FILE')?.message).toBe('File(s) defined in arkivmelding, but not found in message: vedlegg.pdf');
  });

  it('reports rules only strict mode enforces as warnings, and the message as valid', async () => {
    const report = await validateForm(multipart(laxSbd(), [arkivmeldingFile(['vedtak.pdf']), pdfFile('vedtak.pdf')]));
    expect(report.valid).toBe(true);
    expect(report.problems.length).toBeGreaterThan(0);
    expect(report.problems.every((p) => p.severity === 'warning')).toBe(true);
    expect(report.problems.map((p) => p.field)).toContain('arkivmelding.sikkerhetsnivaa');
  });

  it('answers 503 when the Service Registry cannot be asked', async () => {
    t.registry.setFailure('unavailable');
    try {
      const res = await postJson(t, '/api/validation', arkivmeldingSbd({ process: 'urn:no:difi:profile:arkivmelding:skatterOgAvgifter:ver1.0' }));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).not.toBeNull();
    } finally {
      t.registry.setFailure(undefined);
    }
  });

  it('stores nothing: no message, no conversation, no status', async () => {
    await validateForm(multipart(avtaltSbd(), [pdfFile('vedlegg.pdf')]));
    expect((await jsonOf<{ totalElements: number }>(await t.api('/api/messages/out'))).totalElements).toBe(0);
    expect((await jsonOf<{ totalElements: number }>(await t.api('/api/conversations'))).totalElements).toBe(0);
    expect((await jsonOf<{ totalElements: number }>(await t.api('/api/statuses'))).totalElements).toBe(0);
  });
});

describe('POST /api/validation with efm.validation.strict=true', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon({ config: { 'efm.validation.strict': true } }); });
  afterAll(async () => { await t.close(); });

  it('reports the strict-only rules as errors, and the message as invalid', async () => {
    const form = multipart(laxSbd(), [arkivmeldingFile(['vedtak.pdf']), pdfFile('vedtak.pdf')]);
    const report = await jsonOf<Report>(await t.api('/api/validation', { method: 'POST', body: form }));
    expect(report.valid).toBe(false);
    expect(report.problems.find((p) => p.field === 'arkivmelding.sikkerhetsnivaa')?.severity).toBe('error');
  });

  it('refuses to create the same message', async () => {
    const res = await postJson(t, '/api/messages/out', laxSbd());
    expect(res.status).toBe(400);
    expect((await errorOf(res)).errors?.map((e) => e.field)).toContain('arkivmelding.sikkerhetsnivaa');
  });
});
