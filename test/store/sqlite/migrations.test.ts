import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../../../src/store/sqlite/database.js';
import { applyMigrations, MIGRATIONS, type Migration } from '../../../src/store/sqlite/migrations.js';

describe(applyMigrations.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'efm-migrations-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const tables = async (db: SqliteDatabase) =>
    (await db.reader.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).map((r) => r.name);

  it('applies only the migrations newer than the database', async () => {
    const first: Migration[] = [{ version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER)' }];
    const both: Migration[] = [...first, { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER)' }];
    const file = join(dir, 'db.sqlite');
    await (await SqliteDatabase.open(file, first)).close();
    const db = await SqliteDatabase.open(file, both);
    try {
      expect(await tables(db)).toEqual(['one', 'schema_migrations', 'two']);
      expect(await db.reader.all('SELECT version, name FROM schema_migrations ORDER BY version')).toEqual([
        { version: 1, name: 'one' }, { version: 2, name: 'two' },
      ]);
    } finally {
      await db.close();
    }
  });

  it('rolls back every migration of the run when one fails', async () => {
    const broken: Migration[] = [
      { version: 1, name: 'good', sql: 'CREATE TABLE good (x INTEGER)' },
      { version: 2, name: 'bad', sql: 'CREATE TABLE good (y INTEGER)' },
    ];
    const file = join(dir, 'db.sqlite');
    await expect(SqliteDatabase.open(file, broken)).rejects.toThrow(/already exists/);
    const db = await SqliteDatabase.open(file, []);
    try {
      expect(await tables(db)).toEqual(['schema_migrations']);
    } finally {
      await db.close();
    }
  });

  it('refuses migrations listed out of order', async () => {
    const unordered: Migration[] = [
      { version: 2, name: 'two', sql: 'SELECT 1' },
      { version: 1, name: 'one', sql: 'SELECT 1' },
    ];
    await expect(SqliteDatabase.open(join(dir, 'db.sqlite'), unordered)).rejects.toBeInstanceOf(TypeError);
  });

  it('ships versions that strictly increase from 1', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
});
