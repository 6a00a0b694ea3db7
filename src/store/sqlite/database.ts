import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SqliteConnection, type SqlExecutor } from './connection.js';
import { applyMigrations, type Migration } from './migrations.js';
import { Mutex } from './mutex.js';

const BUSY_TIMEOUT_MS = 5_000;

// Two connections to one file. Writes go through the writer, one transaction at a time (Mutex); reads
// go through a read-only connection, which under WAL sees only committed data and never waits for the
// writer. Reading through the writer would let a query that happens to run while another caller's
// transaction is open see (and depend on) rows that may still be rolled back.
//
// synchronous=FULL rather than NORMAL: with WAL, NORMAL can lose the last commits on power loss. A
// commit here acknowledges an upload or a received message to someone who may then discard their copy,
// and the write rate (messages and statuses, not payload bytes) is low enough that an fsync per commit
// costs nothing that matters.
//
// The reader runs one statement at a time. A statement that has returned a row (sqlite3's `get`) holds
// its connection's read transaction until it is finalized, and statements on one connection share that
// transaction: overlapping reads kept the reader on an old WAL snapshot for as long as they overlapped,
// so under load a caller did not see its own write that had just committed (a file uploaded a moment
// before the send was missing from the send's check).
const WRITER_PRAGMAS = ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = FULL', 'PRAGMA foreign_keys = ON'];

export class SqliteDatabase {
  private readonly mutex = new Mutex();

  private constructor(
    private readonly writer: SqliteConnection,
    readonly reader: SqlExecutor & { close(): Promise<void> },
  ) {}

  static async open(file: string, migrations?: readonly Migration[]): Promise<SqliteDatabase> {
    await mkdir(dirname(file), { recursive: true });
    const writer = await SqliteConnection.open(file, { readOnly: false, busyTimeoutMs: BUSY_TIMEOUT_MS });
    try {
      for (const pragma of WRITER_PRAGMAS) await writer.exec(pragma);
      await inTransaction(writer, (tx) => applyMigrations(tx, migrations));
      const reader = await SqliteConnection.open(file, { readOnly: true, busyTimeoutMs: BUSY_TIMEOUT_MS, serialized: true });
      return new SqliteDatabase(writer, reader);
    } catch (err) {
      await writer.close().catch(() => undefined);
      throw err;
    }
  }

  /** Runs `work` in a BEGIN IMMEDIATE transaction; commits when it resolves, rolls back when it throws. */
  write<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.mutex.run(() => inTransaction(this.writer, work));
  }

  async close(): Promise<void> {
    // Waits for the transaction in progress (and those queued before) to finish first.
    await this.mutex.run(async () => undefined);
    await Promise.all([this.reader.close(), this.writer.close()]);
  }
}

async function inTransaction<T>(conn: SqliteConnection, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  await conn.exec('BEGIN IMMEDIATE');
  try {
    const result = await work(conn);
    await conn.exec('COMMIT');
    return result;
  } catch (err) {
    await conn.exec('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
