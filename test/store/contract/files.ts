import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DuplicateFilenameError, FileTooLargeError, NotFoundError } from '../../../src/domain/index.js';
import type { NewFile } from '../../../src/store/index.js';
import { at, buildMessage, bytesStream, conversationFor, generatedStream, opprettet, readAll } from '../builders.js';
import type { StoreHarness } from '../contract.js';

const pdf = (filename = 'doc.pdf', overrides: Partial<NewFile> = {}): NewFile => ({
  filename, mimetype: 'application/pdf', primaryDocument: false, ...overrides,
});

export function fileContract(h: StoreHarness): void {
  const draft = async () => {
    const message = buildMessage();
    await h.store.createMessage(message, conversationFor(message), [opprettet()]);
    return message;
  };

  describe('files', () => {
    it('addFile streams the content, numbers files in upload order and reads them back', async () => {
      const { messageId } = await draft();
      const first = await h.store.addFile('OUTGOING', messageId, pdf('doc.pdf', { title: 'Hoveddokument', primaryDocument: true }), bytesStream('first file'), { maxBytes: 1000, at: at(1) });
      const second = await h.store.addFile('OUTGOING', messageId, pdf('vedlegg.txt', { mimetype: 'text/plain' }), bytesStream('second'), { maxBytes: 1000, at: at(2) });

      expect(first).toMatchObject({ messageId, direction: 'OUTGOING', dokumentnummer: 1, filename: 'doc.pdf', title: 'Hoveddokument', size: 10, primaryDocument: true, createdAt: at(1) });
      expect(second).toMatchObject({ dokumentnummer: 2, filename: 'vedlegg.txt', mimetype: 'text/plain', size: 6, primaryDocument: false });
      expect(first.identifier).not.toBe(second.identifier);
      expect(await h.store.listFiles('OUTGOING', messageId)).toEqual([first, second]);
      expect((await readAll(h.store.openFile(first))).toString()).toBe('first file');
      expect((await readAll(h.store.openFile(second))).toString()).toBe('second');
    });

    it('addFile accepts exactly maxBytes and an empty file', async () => {
      const { messageId } = await draft();
      const full = await h.store.addFile('OUTGOING', messageId, pdf('full.bin'), bytesStream(Buffer.alloc(64, 7)), { maxBytes: 64 });
      const empty = await h.store.addFile('OUTGOING', messageId, pdf('empty.bin'), bytesStream(''), { maxBytes: 64 });
      expect(full.size).toBe(64);
      expect(empty.size).toBe(0);
      expect(await readAll(h.store.openFile(empty))).toHaveLength(0);
    });

    it('addFile rejects a duplicate filename and records nothing', async () => {
      const { messageId } = await draft();
      await h.store.addFile('OUTGOING', messageId, pdf(), bytesStream('one'), { maxBytes: 100 });
      await expect(h.store.addFile('OUTGOING', messageId, pdf(), bytesStream('two'), { maxBytes: 100 })).rejects.toBeInstanceOf(DuplicateFilenameError);
      const files = await h.store.listFiles('OUTGOING', messageId);
      expect(files).toHaveLength(1);
      expect((await readAll(h.store.openFile(files[0] ?? expect.fail('no file')))).toString()).toBe('one');
    });

    it('addFile stops reading past maxBytes, throws FileTooLargeError with the limit and records nothing', async () => {
      const { messageId } = await draft();
      const source = generatedStream(5 * 1024 * 1024);
      const error = await h.store.addFile('OUTGOING', messageId, pdf('big.bin'), source.stream, { maxBytes: 100_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileTooLargeError);
      expect((error as FileTooLargeError).limitBytes).toBe(100_000);
      expect(source.produced()).toBeLessThan(5 * 1024 * 1024);
      expect(await h.store.listFiles('OUTGOING', messageId)).toEqual([]);
      const next = await h.store.addFile('OUTGOING', messageId, pdf('big.bin'), bytesStream('small'), { maxBytes: 100_000 });
      expect(next.dokumentnummer).toBe(1);
    });

    it('addFile for an unknown message throws NotFoundError', async () => {
      await expect(h.store.addFile('OUTGOING', 'no-such-message', pdf(), bytesStream('x'), { maxBytes: 10 })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('addFile gives up when its signal aborts and records nothing', async () => {
      const { messageId } = await draft();
      const controller = new AbortController();
      let chunks = 0;
      const endless = new Readable({
        read() {
          this.push(Buffer.alloc(1024, 1));
          if (++chunks === 3) controller.abort();
        },
      });
      await expect(h.store.addFile('OUTGOING', messageId, pdf(), endless, { maxBytes: 100 * 1024 * 1024, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
      expect(await h.store.listFiles('OUTGOING', messageId)).toEqual([]);
    });

    it('listFiles is empty for an unknown message', async () => {
      expect(await h.store.listFiles('INCOMING', 'nothing')).toEqual([]);
    });

    it('deleteMessage takes the files and their content with it', async () => {
      const { messageId } = await draft();
      const file = await h.store.addFile('OUTGOING', messageId, pdf(), bytesStream('bytes'), { maxBytes: 100 });
      await h.store.deleteMessage('OUTGOING', messageId);
      expect(await h.store.listFiles('OUTGOING', messageId)).toEqual([]);
      await expect(readAll(h.store.openFile(file))).rejects.toThrow();
    });
  });
}
