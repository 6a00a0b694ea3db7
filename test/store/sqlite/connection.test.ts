import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteConnection } from '../../../src/store/sqlite/connection.js';

let dir: string;
let open: SqliteConnection[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'efm-sqlite-connection-'));
  open = [];
});
afterEach(async () => {
  await Promise.all(open.map((c) => c.close()));
  await rm(dir, { recursive: true, force: true });
});

async function connect(options: { readOnly?: boolean; serialized?: boolean } = {}): Promise<SqliteConnection> {
  const connection = await SqliteConnection.open(join(dir, 'db.sqlite'), { readOnly: options.readOnly ?? false, busyTimeoutMs: 1000, serialized: options.serialized });
  open.push(connection);
  return connection;
}

describe(SqliteConnection.name, () => {
  it('runs one statement again and again with new parameters, reading what each run wrote', async () => {
    const db = await connect();
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
    for (let i = 1; i <= 20; i++) {
      expect(await db.run('INSERT INTO t (name) VALUES (?)', [`n${i}`])).toEqual({ lastId: i, changes: 1 });
      expect(await db.get('SELECT name FROM t WHERE id = ?', [i])).toEqual({ name: `n${i}` });
      expect(await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')).toEqual({ n: i });
    }
    expect(await db.all('SELECT id FROM t WHERE id <= ? ORDER BY id', [3])).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(await db.get('SELECT name FROM t WHERE id = ?', [999])).toBeUndefined();
  });

  it('rejects SQL that does not prepare, and prepares it afresh once it can', async () => {
    const db = await connect();
    await expect(db.get('SELECT name FROM later WHERE id = ?', [1])).rejects.toThrow(/no such table/);
    await expect(db.get('SELECT name FROM later WHERE id = ?', [1])).rejects.toThrow(/no such table/);
    await db.exec("CREATE TABLE later (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO later VALUES (1, 'here')");
    expect(await db.get('SELECT name FROM later WHERE id = ?', [1])).toEqual({ name: 'here' });
  });

  it('keeps working past its limit of prepared statements and still closes cleanly', async () => {
    const db = await connect();
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    const results = await Promise.all(Array.from({ length: 600 }, (_, i) => db.get<{ v: number }>(`SELECT ${i} AS v`)));
    expect(results.map((r) => r?.v)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    const connection = open.pop();
    await expect(connection?.close()).resolves.toBeUndefined();
  });

  it('closes while calls are in flight, and refuses the calls that come after', async () => {
    const db = await connect();
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    open.pop();
    const inFlight = Array.from({ length: 20 }, (_, i) => db.run('INSERT INTO t (id) VALUES (?)', [i]).then(() => 'ran', (e: Error) => e.message));
    const closing = db.close();
    const late = db.get('SELECT COUNT(*) AS n FROM t WHERE id > ?', [5]).then(() => 'answered', (e: Error) => e.message);
    await expect(closing).resolves.toBeUndefined();
    expect(await late).toMatch(/SQLITE_MISUSE/);
    for (const outcome of await Promise.all(inFlight)) expect(outcome).toMatch(/^ran$|SQLITE_MISUSE/);
  });

  it('serialized, sees each commit of another connection while reads never stop', async () => {
    const writer = await connect();
    await writer.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY)');
    const reader = await connect({ readOnly: true, serialized: true });
    let reading = true;
    const readers = Array.from({ length: 8 }, async () => {
      while (reading) await reader.get('SELECT id FROM t ORDER BY id LIMIT 1');
    });
    const missed: number[] = [];
    try {
      for (let i = 1; i <= 100; i++) {
        await writer.run('INSERT INTO t (id) VALUES (?)', [i]);
        if ((await reader.get('SELECT id FROM t WHERE id = ?', [i])) === undefined) missed.push(i);
      }
    } finally {
      reading = false;
      await Promise.all(readers);
    }
    expect(missed).toEqual([]);
  });
});
