import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessage, errorOf, expectUploaded, pdfBytes, send, upload } from '../support/http.js';
import { arkivmeldingSbd, arkivmeldingXml, messageIdOf } from '../support/sbd.js';
import { startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// O2 (api notes §2.3, §5.3): a file streamed into a draft with PUT and Content-Disposition.
const MiB = 1024 * 1024;

/** `totalBytes` of a PDF-looking file as a stream of 64 KiB chunks, and the hash of what it yields. */
function generatedPdf(totalBytes: number): { stream: ReadableStream<Uint8Array>; sha256: () => string } {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) {
        controller.close();
        return;
      }
      const size = Math.min(64 * 1024, totalBytes - sent);
      const chunk = Buffer.alloc(size, sent / (64 * 1024) % 251);
      if (sent === 0) chunk.write('%PDF-1.7\n', 'latin1');
      sent += size;
      hash.update(chunk);
      controller.enqueue(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

async function sha256Of(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('PUT /api/messages/out/{messageId} (upload)', () => {
  let t: TestDaemon;
  let id: string;
  beforeAll(async () => {
    t = await startTestDaemon();
    id = messageIdOf(await createMessage(t, arkivmeldingSbd()));
  });
  afterAll(async () => { await t.close(); });

  it('refuses an upload without credentials with 401', async () => {
    const res = await t.api(`/api/messages/out/${id}`, { method: 'PUT', auth: false, headers: { 'content-disposition': 'attachment; filename="a.pdf"' }, body: pdfBytes() });
    expect(res.status).toBe(401);
  });

  it('answers 400 when Content-Disposition is missing', async () => {
    const res = await upload(t, id, { filename: 'a.pdf', body: pdfBytes(), disposition: null });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/^The Content-Disposition header is required/);
  });

  it('answers 400 when Content-Disposition carries no filename', async () => {
    const res = await upload(t, id, { filename: 'a.pdf', body: pdfBytes(), disposition: 'attachment; name="Tittel"' });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('The Content-Disposition header must carry a filename');
  });

  it('answers 404 MessageNotFoundException for an unknown messageId', async () => {
    const res = await upload(t, '1b2c3d4e-0000-4000-8000-000000000000', { filename: 'a.pdf', body: pdfBytes() });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toBe('Message with messageId = 1b2c3d4e-0000-4000-8000-000000000000 was not found');
  });

  it('answers 400 for a filename that climbs out of its folder', async () => {
    const res = await upload(t, id, { filename: '../../etc/passwd', body: 'root:x:0:0' });
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.code).toBe('EFM_INVALID_FILENAME');
    expect(body.message).toMatch(/^Invalid filename '\.\.\/\.\.\/etc\/passwd'/);
    expect((await t.daemon.store.listFiles('OUTGOING', id)).map((f) => f.filename)).not.toContain('../../etc/passwd');
  });

  it('stores a file and refuses a second one with the same name', async () => {
    await expectUploaded(t, id, { filename: 'vedtak.pdf', title: 'Vedtak', contentType: 'application/pdf', body: pdfBytes(2000) });
    const res = await upload(t, id, { filename: 'vedtak.pdf', contentType: 'application/pdf', body: pdfBytes(10) });
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.DuplicateFilenameException');
    expect(body.message).toBe('Filename already exists in message: vedtak.pdf.');
    const files = await t.daemon.store.listFiles('OUTGOING', id);
    expect(files.map((f) => [f.filename, f.title, f.size, f.primaryDocument])).toEqual([['vedtak.pdf', 'Vedtak', 2000, true]]);
  });

  it('takes the title from ?title= over the name in Content-Disposition', async () => {
    await expectUploaded(t, id, { filename: 'vedlegg.txt', title: 'Fra header', contentType: 'text/plain', body: 'hei' });
    const res = await t.api(`/api/messages/out/${id}?title=Fra%20query`, {
      method: 'PUT', headers: { 'content-type': 'text/plain', 'content-disposition': 'attachment; name="Fra header"; filename="vedlegg2.txt"' }, body: 'hei',
    });
    expect(res.status).toBe(200);
    const files = await t.daemon.store.listFiles('OUTGOING', id);
    expect(files.find((f) => f.filename === 'vedlegg2.txt')?.title).toBe('Fra query');
  });

  it('names the conversation from an uploaded arkivmelding.xml', async () => {
    await expectUploaded(t, id, { filename: 'arkivmelding.xml', contentType: 'application/xml', body: arkivmeldingXml('Søknad om skjenkebevilling', ['vedtak.pdf']) });
    const conversation = await (await t.api(`/api/conversations/messageId/${id}`)).json() as Record<string, unknown>;
    expect(conversation.messageTitle).toBe('Søknad om skjenkebevilling');
    expect(conversation.messageReference).toBe('sak-42-7');
  });

  it('streams a 20 MiB upload to the store byte for byte', async () => {
    const big = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    const file = generatedPdf(20 * MiB);
    const res = await upload(t, big, { filename: 'stort.pdf', contentType: 'application/pdf', body: file.stream });
    expect(res.status, await res.text()).toBe(200);
    const [stored] = await t.daemon.store.listFiles('OUTGOING', big);
    expect(stored?.filename).toBe('stort.pdf');
    expect(stored?.size).toBe(20 * MiB);
    if (!stored) return;
    expect(await sha256Of(t.daemon.store.openFile(stored))).toBe(file.sha256());
  });

  it('answers 400 to an upload into a message that has been sent', async () => {
    const sent = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    await expectUploaded(t, sent, { filename: 'arkivmelding.xml', contentType: 'application/xml', body: arkivmeldingXml('Vedtak', ['vedtak.pdf']) });
    await expectUploaded(t, sent, { filename: 'vedtak.pdf', contentType: 'application/pdf', body: pdfBytes() });
    expect((await send(t, sent)).status).toBe(200);
    const res = await upload(t, sent, { filename: 'sent.pdf', contentType: 'application/pdf', body: pdfBytes() });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('EFM_MESSAGE_ALREADY_SENT');
  });
});

describe('upload limits: service size limit and format allow-list', () => {
  let t: TestDaemon;
  beforeAll(async () => {
    t = await startTestDaemon({ config: { 'difi.move.dpo.upload-size-limit': '1KB', 'efm.validation.formats.dpo': ['pdf'] } });
  });
  afterAll(async () => { await t.close(); });

  it('answers 400 MaxFileSizeExceededException for a file over the service limit and stores nothing', async () => {
    const id = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    const res = await upload(t, id, { filename: 'stor.pdf', contentType: 'application/pdf', body: pdfBytes(5000) });
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.MaxFileSizeExceededException');
    expect(body.message).toContain('DPO');
    expect(await t.daemon.store.listFiles('OUTGOING', id)).toEqual([]);
  });

  it('answers 400 when a streamed file without Content-Length passes the limit', async () => {
    const id = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    const res = await upload(t, id, { filename: 'stor.pdf', contentType: 'application/pdf', body: generatedPdf(256 * 1024).stream });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).exception).toBe('no.difi.meldingsutveksling.exceptions.MaxFileSizeExceededException');
    expect(await t.daemon.store.listFiles('OUTGOING', id)).toEqual([]);
  });

  it('answers 400 when the files together pass the limit', async () => {
    const id = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    await expectUploaded(t, id, { filename: 'en.pdf', contentType: 'application/pdf', body: pdfBytes(600) });
    const res = await upload(t, id, { filename: 'to.pdf', contentType: 'application/pdf', body: pdfBytes(600) });
    expect(res.status).toBe(400);
    expect((await t.daemon.store.listFiles('OUTGOING', id)).map((f) => f.filename)).toEqual(['en.pdf']);
  });

  it('answers 400 for text content named .pdf when only pdf is allowed, and takes a real pdf', async () => {
    const id = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    const res = await upload(t, id, { filename: 'forkledd.pdf', contentType: 'application/pdf', body: 'just some text pretending to be a pdf' });
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.code).toBe('EFM_FILE_FORMAT_NOT_ALLOWED');
    expect(body.message).toMatch(/^File 'forkledd\.pdf' is not accepted/);
    await expectUploaded(t, id, { filename: 'ekte.pdf', contentType: 'application/pdf', body: pdfBytes(500) });
    expect((await t.daemon.store.listFiles('OUTGOING', id)).map((f) => f.filename)).toEqual(['ekte.pdf']);
  });
});
