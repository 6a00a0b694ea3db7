import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, jsonOf } from '../support/http.js';
import { arkivmeldingSbd, arkivmeldingXml, messageIdOf } from '../support/sbd.js';
import { startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// O4, the one-shot multipart create + upload + send (api notes §2.5).
const MiB = 1024 * 1024;

interface Part {
  name: string;
  filename: string;
  type: string;
  bytes: Buffer;
}

function pdf(size: number, fill = 0x41): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(size - 9, fill)]);
}

function filePart(filename: string, bytes: Buffer, type = 'application/pdf', name = 'Dokument'): Part {
  return { name, filename, type, bytes };
}

function arkivmeldingPart(files: string[]): Part {
  return filePart('arkivmelding.xml', Buffer.from(arkivmeldingXml('Melding i ett kall', files)), 'application/xml', 'Arkivmelding');
}

interface FormOptions {
  sbd?: Record<string, unknown> | string;
  /** Parts appended before the sbd part. */
  before?: Part[];
  after?: Part[];
  /** Send the sbd as a file part of type application/json instead of a field. */
  sbdAsFile?: boolean;
}

function form(o: FormOptions): FormData {
  const f = new FormData();
  const add = (p: Part) => f.append(p.name, new Blob([p.bytes], { type: p.type }), p.filename);
  for (const p of o.before ?? []) add(p);
  if (o.sbd !== undefined) {
    const text = typeof o.sbd === 'string' ? o.sbd : JSON.stringify(o.sbd);
    if (o.sbdAsFile) f.append('sbd', new Blob([text], { type: 'application/json' }), 'sbd.json');
    else f.append('sbd', text);
  }
  for (const p of o.after ?? []) add(p);
  return f;
}

describe('POST /api/messages/out/multipart', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  afterAll(async () => { await t.close(); });

  const post = (body: FormData | string, init: { auth?: boolean; contentType?: string } = {}) =>
    t.api('/api/messages/out/multipart', {
      method: 'POST', body, auth: init.auth, ...(init.contentType ? { headers: { 'content-type': init.contentType } } : {}),
    });

  async function storedFiles(id: string): Promise<{ filename: string; title?: string; bytes: Buffer }[]> {
    const files = await t.daemon.store.listFiles('OUTGOING', id);
    return Promise.all(files.map(async (f) => {
      const chunks: Buffer[] = [];
      for await (const c of t.daemon.store.openFile(f)) chunks.push(c as Buffer);
      return { filename: f.filename, title: f.title, bytes: Buffer.concat(chunks) };
    }));
  }

  const spoolFolders = async () => (await readdir(join(t.dataDir, 'data'))).filter((n) => n.startsWith('multipart-'));

  it('refuses a request without credentials with 401', async () => {
    expect((await post(form({ sbd: arkivmeldingSbd() }), { auth: false })).status).toBe(401);
  });

  it('answers 400 for a body that is not multipart/form-data', async () => {
    const res = await post(JSON.stringify(arkivmeldingSbd()), { contentType: 'application/json' });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('The request must be multipart/form-data with a part named sbd');
  });

  it('answers 400 for multipart without a boundary, and for a body cut short', async () => {
    expect((await post('x', { contentType: 'multipart/form-data' })).status).toBe(400);
    const cut = await post('--xyz\r\nContent-Disposition: form-data; name="sbd"\r\n\r\n{}', { contentType: 'multipart/form-data; boundary=xyz' });
    expect(cut.status).toBe(400);
    expect((await errorOf(cut)).code).toBe('EFM_INVALID_MULTIPART');
  });

  it('answers 400 when the sbd part is missing', async () => {
    const res = await post(form({ after: [filePart('vedtak.pdf', pdf(100))] }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('The multipart request must contain a part named sbd');
    expect(await spoolFolders()).toEqual([]);
  });

  it('answers 400 when the sbd part is not JSON', async () => {
    const res = await post(form({ sbd: '{not json' }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('The sbd part is not valid JSON');
  });

  it('answers 400 for an SBD the create step refuses, and stores nothing', async () => {
    const sbd = arkivmeldingSbd({ type: 'strange', standard: 'urn:x::strange' });
    const res = await post(form({ sbd, after: [filePart('vedtak.pdf', pdf(100))] }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).exception).toBe('no.difi.meldingsutveksling.exceptions.UnknownMessageTypeException');
    expect(await t.daemon.store.findMessage('OUTGOING', messageIdOf(sbd))).toBeUndefined();
  });

  it('creates, stores the files byte for byte and sends; answers with the SBD', async () => {
    const sbd = arkivmeldingSbd();
    const id = messageIdOf(sbd);
    const vedtak = pdf(300_000, 0x42);
    const res = await post(form({ sbd, after: [arkivmeldingPart(['vedtak.pdf']), filePart('vedtak.pdf', vedtak, 'application/pdf', 'Vedtak')] }));
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await jsonOf<{ standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: string; creationDateAndTime: string } } }>(res);
    expect(body.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).toBe(id);
    expect(body.standardBusinessDocumentHeader.documentIdentification.creationDateAndTime).toBe('2019-03-25T12:38:23+01:00');

    expect((await t.daemon.store.findMessage('OUTGOING', id))?.state).toBe('QUEUED');
    const files = await storedFiles(id);
    expect(files.map((f) => [f.filename, f.title])).toEqual([['arkivmelding.xml', 'Arkivmelding'], ['vedtak.pdf', 'Vedtak']]);
    expect(files[1]?.bytes.equals(vedtak)).toBe(true);
    const conversation = await jsonOf<{ messageTitle: string; messageStatuses: { status: string }[] }>(await t.api(`/api/conversations/messageId/${id}`));
    expect(conversation.messageTitle).toBe('Melding i ett kall');
    expect(conversation.messageStatuses.map((s) => s.status)).toEqual(['OPPRETTET']);
  });

  it('takes the sbd as a file part of type application/json', async () => {
    const sbd = arkivmeldingSbd();
    const res = await post(form({ sbd, sbdAsFile: true, after: [arkivmeldingPart(['vedtak.pdf']), filePart('vedtak.pdf', pdf(1000))] }));
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await t.daemon.store.findMessage('OUTGOING', messageIdOf(sbd)))?.state).toBe('QUEUED');
  });

  it('takes file parts that come before the sbd part', async () => {
    const sbd = arkivmeldingSbd();
    const early = pdf(50_000, 0x43);
    const res = await post(form({ before: [arkivmeldingPart(['tidlig.pdf']), filePart('tidlig.pdf', early)], sbd }));
    expect(res.status, await res.clone().text()).toBe(200);
    const files = await storedFiles(messageIdOf(sbd));
    expect(files.map((f) => f.filename)).toEqual(['arkivmelding.xml', 'tidlig.pdf']);
    expect(files[1]?.bytes.equals(early)).toBe(true);
    // The early parts were spooled to disk; nothing of that is left.
    expect(await spoolFolders()).toEqual([]);
  });

  it('answers 400 for a file part over 5 MiB that comes before the sbd part', async () => {
    const sbd = arkivmeldingSbd();
    const res = await post(form({ before: [filePart('stor.pdf', pdf(5 * MiB + 1))], sbd }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).exception).toBe('no.difi.meldingsutveksling.exceptions.MultipartFileToLargeException');
    expect((await t.api(`/api/messages/out/${messageIdOf(sbd)}`)).status).toBe(404);
  });

  it('answers 400 MultipartFileToLargeException for a file part over 5 MiB and keeps no draft', async () => {
    const sbd = arkivmeldingSbd();
    const res = await post(form({ sbd, after: [arkivmeldingPart(['stor.pdf']), filePart('stor.pdf', pdf(5 * MiB + 1))] }));
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.MultipartFileToLargeException');
    expect(body.message).toContain('stor.pdf');
    expect((await t.api(`/api/messages/out/${messageIdOf(sbd)}`)).status).toBe(404);
  });

  it('answers 400 for duplicate filenames, discards the draft, and a retry with the same ids succeeds', async () => {
    const sbd = arkivmeldingSbd();
    const id = messageIdOf(sbd);
    const res = await post(form({ sbd, after: [arkivmeldingPart(['vedtak.pdf']), filePart('vedtak.pdf', pdf(100)), filePart('vedtak.pdf', pdf(200))] }));
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.DuplicateFilenameException');
    expect(body.message).toBe('Filename already exists in message: vedtak.pdf.');
    expect((await t.api(`/api/messages/out/${id}`)).status).toBe(404);
    expect((await t.api(`/api/conversations/messageId/${id}`)).status).toBe(404);

    const retry = await post(form({ sbd, after: [arkivmeldingPart(['vedtak.pdf']), filePart('vedtak.pdf', pdf(100))] }));
    expect(retry.status, await retry.clone().text()).toBe(200);
    expect((await t.daemon.store.findMessage('OUTGOING', id))?.state).toBe('QUEUED');
  });

  it('answers 400 when the message fails the send checks, and keeps no draft', async () => {
    const sbd = arkivmeldingSbd();
    const res = await post(form({ sbd, after: [filePart('vedtak.pdf', pdf(100))] }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('DPO message type requires arkivmelding.xml attachment');
    expect((await t.api(`/api/messages/out/${messageIdOf(sbd)}`)).status).toBe(404);
  });
});
