import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDatabase } from '../../src/doctor/database-check.js';

let dir: string;
const open: sqlite3.Database[] = [];
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'efm-doctor-db-')); });
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => new Promise((resolve) => db.close(resolve))));
  await rm(dir, { recursive: true, force: true });
});

function openDb(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(db)));
    open.push(db);
  });
}
const exec = (db: sqlite3.Database, sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve())));
const tables = (db: sqlite3.Database) => new Promise<string[]>((resolve, reject) =>
  db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'", (e, rows) => (e ? reject(e) : resolve(rows.map((r) => r.name)))));

describe(checkDatabase.name, () => {
  it('passes a writable database and leaves it as it was', async () => {
    const file = join(dir, 'efm.sqlite');
    const db = await openDb(file);
    await exec(db, 'PRAGMA journal_mode = WAL; CREATE TABLE message (id TEXT)');

    expect(await checkDatabase(file)).toMatchObject({ name: 'database', status: 'ok', detail: `${file} is writable` });
    expect(await tables(db)).toEqual(['message']);
  });

  it('passes a data directory without a database yet, and leaves no scratch file behind', async () => {
    expect(await checkDatabase(join(dir, 'efm.sqlite'))).toMatchObject({ status: 'ok', detail: expect.stringContaining('no database yet') as unknown });
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails a file that is not a database', async () => {
    const file = join(dir, 'efm.sqlite');
    await writeFile(file, 'this is not a database, it is a text file long enough to have a header page'.repeat(20));
    expect(await checkDatabase(file)).toMatchObject({ status: 'fail', ok: false, fix: expect.stringContaining('restore it from a backup') as unknown });
  });

  it('fails while another process holds the write lock', async () => {
    const file = join(dir, 'efm.sqlite');
    const holder = await openDb(file);
    await exec(holder, 'CREATE TABLE message (id TEXT); BEGIN EXCLUSIVE; INSERT INTO message VALUES (1)');

    expect(await checkDatabase(file)).toMatchObject({ status: 'fail', fix: expect.stringContaining('write lock') as unknown });
    await exec(holder, 'ROLLBACK');
  });
});
