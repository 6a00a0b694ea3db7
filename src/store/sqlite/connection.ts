import sqlite3 from 'sqlite3';
import { UnavailableError } from '../../domain/index.js';

// Promise helpers over one sqlite3 connection. sqlite3 is callback based and runs each statement on
// the libuv pool; these wrappers only adapt the calling style and translate driver errors at the edge.

export type SqlValue = string | number | null;

export interface RunResult {
  lastId: number;
  changes: number;
}

/** What both the reader connection and a write transaction offer. */
export interface SqlExecutor {
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

// Conditions a retry may clear (a lock held by another process, a full or failing disk); everything
// else is a bug or a corrupt file and stays an internal error.
const TRANSIENT_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR']);

function translate(err: Error): Error {
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) {
    return new UnavailableError('The database is not available right now', { code: 'EFM_STORE_UNAVAILABLE', cause: err });
  }
  return err;
}

export class SqliteConnection implements SqlExecutor {
  private constructor(private readonly db: sqlite3.Database) {}

  /** `serialized`: one statement at a time (sqlite3's serialize mode) instead of overlapping ones. */
  static open(file: string, options: { readOnly: boolean; busyTimeoutMs: number; serialized?: boolean }): Promise<SqliteConnection> {
    const mode = options.readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, mode, (err) => {
        if (err) return reject(translate(err));
        db.configure('busyTimeout', options.busyTimeoutMs);
        if (options.serialized) db.serialize();
        resolve(new SqliteConnection(db));
      });
    });
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      this.db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) return reject(translate(err));
        resolve({ lastId: this.lastID, changes: this.changes });
      });
    });
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get<T>(sql, params, (err, row) => (err ? reject(translate(err)) : resolve(row)));
    });
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.db.all<T>(sql, params, (err, rows) => (err ? reject(translate(err)) : resolve(rows)));
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.exec(sql, (err) => (err ? reject(translate(err)) : resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.close((err) => (err ? reject(translate(err)) : resolve()));
    });
  }
}
