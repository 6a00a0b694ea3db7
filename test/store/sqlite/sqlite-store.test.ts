import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTooLargeError } from '../../../src/domain/index.js';
import { openSqliteStore, StoreSchemaTooNewError, type BlobCipher, type Store } from '../../../src/store/index.js';
import { MIGRATIONS } from '../../../src/store/sqlite/migrations.js';
import { at, buildMessage, bytesStream, conversationFor, generatedStream, opprettet, pageOf, readAll } from '../builders.js';
import { describeStoreContract } from '../contract.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'efm-sqlite-'));
}

describeStoreContract('sqlite', async () => {
  const dir = await tempDir();
  const store = await openSqliteStore({ file: join(dir, 'efm.sqlite'), blobDir: join(dir, 'blobs') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

/** Runs one statement on the database file directly, bypassing the store. */
function rawAll(file: string, sql: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (openErr) => {
      if (openErr) return reject(openErr);
      db.all(sql, (err, rows) => db.close(() => (err ? reject(err) : resolve(rows))));
    });
  });
}

// XOR with a fixed byte: enough to prove the cipher runs on the way in and out.
const xor = (): Transform =>
  new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, Buffer.from(chunk.map((b) => b ^ 0x5a)));
    },
  });
const xorCipher: BlobCipher = { encrypt: xor, decrypt: xor };

describe(openSqliteStore.name, () => {
  let dir: string;
  let file: string;
  let blobDir: string;
  const open: Store[] = [];
  const openStore = async (blobCipher?: BlobCipher): Promise<Store> => {
    const store = await openSqliteStore({ file, blobDir, blobCipher });
    open.push(store);
    return store;
  };
  const closeStore = async (store: Store): Promise<void> => {
    open.splice(open.indexOf(store), 1);
    await store.close();
  };
  const draft = async (store: Store) => {
    const message = buildMessage();
    await store.createMessage(message, conversationFor(message), [opprettet()]);
    return message;
  };

  beforeEach(async () => {
    dir = await tempDir();
    file = join(dir, 'data', 'efm.sqlite');
    blobDir = join(dir, 'blobs');
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records every migration once, and reopening applies nothing again', async () => {
    await closeStore(await openStore());
    await closeStore(await openStore());
    const rows = await rawAll(file, 'SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('uses WAL journaling', async () => {
    await closeStore(await openStore());
    expect(await rawAll(file, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('refuses to open a database written by a newer schema', async () => {
    await closeStore(await openStore());
    const newer = (MIGRATIONS.at(-1)?.version ?? 0) + 1;
    await rawAll(file, `INSERT INTO schema_migrations (version, name) VALUES (${newer}, 'from the future')`);
    const error = await openSqliteStore({ file, blobDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreSchemaTooNewError);
    expect(error).toMatchObject({ code: 'EFM_STORE_SCHEMA_TOO_NEW', databaseVersion: newer });
  });

  it('keeps messages, files, conversations and statuses across close and reopen', async () => {
    const first = await openStore();
    const message = await draft(first);
    await first.addStatus(message.messageId, 'OUTGOING', { status: 'SENDT', at: at(1) }, { enqueue: true });
    const file = await first.addFile('OUTGOING', message.messageId, { filename: 'doc.pdf', mimetype: 'application/pdf', primaryDocument: true }, bytesStream('%PDF-1.7 payload'), { maxBytes: 1000 });
    const before = {
      message: await first.findMessage('OUTGOING', message.messageId),
      conversation: await first.findConversationByMessageId(message.messageId),
      statuses: await first.listStatuses({}, pageOf()),
    };
    await closeStore(first);

    const second = await openStore();
    expect(await second.findMessage('OUTGOING', message.messageId)).toEqual(before.message);
    expect(await second.findConversationByMessageId(message.messageId)).toEqual(before.conversation);
    expect(await second.listStatuses({}, pageOf())).toEqual(before.statuses);
    expect(await second.listFiles('OUTGOING', message.messageId)).toEqual([file]);
    expect((await readAll(second.openFile(file))).toString()).toBe('%PDF-1.7 payload');
    expect((await second.peekStatusQueue())?.status).toBe('SENDT');
  });

  it('shows each committed write to the next read, however many reads are running at the same time', async () => {
    const store = await openStore();
    for (let i = 0; i < 50; i++) await draft(store);
    let reading = true;
    // Reads that return a row leave their statement open until it is finalized; overlapping, they kept
    // the read connection on one WAL snapshot, older than the writes that followed.
    const readers = Array.from({ length: 16 }, async () => {
      while (reading) await store.listMessages('OUTGOING', {}, pageOf({ size: 1 }));
    });
    const missed: string[] = [];
    try {
      for (let i = 0; i < 300; i++) {
        const message = await draft(store);
        if ((await store.findMessage('OUTGOING', message.messageId)) === undefined) missed.push(message.messageId);
      }
    } finally {
      reading = false;
      await Promise.all(readers);
    }
    expect(missed).toEqual([]);
  });

  it('removes partial and unreferenced blobs on open, and keeps referenced ones', async () => {
    const first = await openStore();
    const message = await draft(first);
    const kept = await first.addFile('OUTGOING', message.messageId, { filename: 'a.txt', mimetype: 'text/plain', primaryDocument: false }, bytesStream('kept'), { maxBytes: 100 });
    await closeStore(first);
    const orphanPart = '0b7c4a52-4f0e-4d8c-9a55-1d2e3f4a5b6c.part';
    const orphanBlob = '1b7c4a52-4f0e-4d8c-9a55-1d2e3f4a5b6c';
    await writeFile(join(blobDir, orphanPart), 'half an upload');
    await writeFile(join(blobDir, orphanBlob), 'never recorded');
    await writeFile(join(blobDir, 'README'), 'not ours');

    const second = await openStore();
    expect((await readdir(blobDir)).sort()).toEqual(['README', kept.identifier].sort());
    expect((await readAll(second.openFile(kept))).toString()).toBe('kept');
  });

  it('aborts a 50 MB stream at a tight maxBytes without leaving any file behind', async () => {
    const store = await openStore();
    const message = await draft(store);
    const source = generatedStream(50 * 1024 * 1024);
    const error = await store.addFile('OUTGOING', message.messageId, { filename: 'big.bin', mimetype: 'application/octet-stream', primaryDocument: false }, source.stream, { maxBytes: 1024 * 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect(source.produced()).toBeLessThan(2 * 1024 * 1024);
    expect(source.stream.destroyed).toBe(true);
    expect(await readdir(blobDir)).toEqual([]);
  });

  it('stores blobs through the cipher and reads them back in plain', async () => {
    const store = await openStore(xorCipher);
    const message = await draft(store);
    const plain = Buffer.from('confidential payload '.repeat(100));
    const file = await store.addFile('OUTGOING', message.messageId, { filename: 'secret.txt', mimetype: 'text/plain', primaryDocument: false }, bytesStream(plain), { maxBytes: plain.length });
    expect(file.size).toBe(plain.length);
    const onDisk = await readFile(join(blobDir, file.identifier));
    expect(onDisk).toHaveLength(plain.length);
    expect(onDisk.equals(plain)).toBe(false);
    expect((await readAll(store.openFile(file))).equals(plain)).toBe(true);
  });

  it('counts maxBytes in plain bytes when a cipher is configured', async () => {
    const store = await openStore(xorCipher);
    const message = await draft(store);
    await expect(store.addFile('OUTGOING', message.messageId, { filename: 'x', mimetype: 'text/plain', primaryDocument: false }, bytesStream(Buffer.alloc(11)), { maxBytes: 10 })).rejects.toMatchObject({ limitBytes: 10 });
    expect(await readdir(blobDir)).toEqual([]);
  });

  it('keeps concurrent writers from interleaving inside one another\'s transactions', async () => {
    const store = await openStore();
    const messages = Array.from({ length: 20 }, () => buildMessage({ direction: 'INCOMING' }));
    await Promise.all(messages.map((m, i) => store.createMessage(m, conversationFor(m), [opprettet(at(i)), { status: 'INNKOMMENDE_MOTTATT', at: at(i) }])));
    const duplicate = messages[0] ?? buildMessage();
    const results = await Promise.allSettled([
      store.createMessage(duplicate, conversationFor(duplicate), [opprettet()]),
      ...messages.map((m) => store.addStatus(m.messageId, 'INCOMING', { status: 'INNKOMMENDE_LEVERT', at: at(30) })),
    ]);
    expect(results[0]?.status).toBe('rejected');
    expect(results.slice(1).every((r) => r.status === 'fulfilled' && r.value !== undefined)).toBe(true);
    expect((await store.listStatuses({}, pageOf({ size: 100 }))).totalElements).toBe(60);
    expect((await store.listConversations({ finished: true }, pageOf({ size: 100 }))).totalElements).toBe(20);
  });
});
