import sqlite3 from 'sqlite3';
import { UnavailableError } from '../../domain/index.js';
import { Mutex } from './mutex.js';

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


/** Distinct statements kept prepared per connection; the SQL we issue has far fewer shapes than this. */
const PREPARED_LIMIT = 256;

export class SqliteConnection implements SqlExecutor {
  // Preparing a statement and finalizing it again cost more than running it (two extra trips through
  // the libuv pool, and the driver's per-call wrapper): each distinct SQL text is prepared once.
  readonly #prepared = new Map<string, Promise<sqlite3.Statement>>();
  /**
   * Set when serialized. Kept here rather than in sqlite3's serialize mode: that mode queues only work
   * that goes through the database object, and calls on prepared statements bypass its queue, so under
   * steady reads a statement still to be prepared waited for a quiet moment that never came.
   */
  readonly #turns: Mutex | undefined;
  /** Finalizes of evicted statements still running; close waits for them. */
  readonly #finalizing = new Set<Promise<void>>();
  #closed = false;

  private constructor(private readonly db: sqlite3.Database, serialized: boolean) {
    this.#turns = serialized ? new Mutex() : undefined;
  }

  /** `serialized`: one statement at a time, each finished (and reset) before the next starts. */
  static open(file: string, options: { readOnly: boolean; busyTimeoutMs: number; serialized?: boolean }): Promise<SqliteConnection> {
    const mode = options.readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, mode, (err) => {
        if (err) return reject(translate(err));
        db.configure('busyTimeout', options.busyTimeoutMs);
        resolve(new SqliteConnection(db, options.serialized === true));
      });
    });
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return this.#inTurn(async () => {
      const statement = await this.#statement(sql);
      return new Promise<RunResult>((resolve, reject) => {
        statement.run(params, function (this: sqlite3.RunResult, err: Error | null) {
          if (err) return reject(translate(err));
          resolve({ lastId: this.lastID, changes: this.changes });
        });
      });
    });
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.#inTurn(async () => {
      const statement = await this.#statement(sql);
      return new Promise<T | undefined>((resolve, reject) => {
        let outcome: { row: T | undefined } | { err: Error } = { row: undefined };
        statement.get(params, (err: Error | null, row: T | undefined) => {
          outcome = err ? { err: translate(err) } : { row };
        });
        // A statement stopped after its first row keeps the connection's read transaction (and so its
        // WAL snapshot) open until it is reset: the caller gets its row once the reset is done.
        statement.reset(() => ('err' in outcome ? reject(outcome.err) : resolve(outcome.row)));
      });
    });
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.#inTurn(async () => {
      const statement = await this.#statement(sql);
      return new Promise<T[]>((resolve, reject) => {
        statement.all(params, (err: Error | null, rows: T[]) => (err ? reject(translate(err)) : resolve(rows)));
      });
    });
  }

  exec(sql: string): Promise<void> {
    return this.#inTurn(() => new Promise((resolve, reject) => {
      this.db.exec(sql, (err) => (err ? reject(translate(err)) : resolve()));
    }));
  }

  async close(): Promise<void> {
    // From here on no statement is prepared, so none can be left unfinalized when the handle closes
    // (sqlite3 refuses to close then, with SQLITE_BUSY). Calls already queued get the driver's error.
    this.#closed = true;
    await this.#inTurn(async () => undefined);
    const statements = await Promise.allSettled(this.#prepared.values());
    this.#prepared.clear();
    await Promise.all([...this.#finalizing, ...statements.map((settled) => settled.status === 'fulfilled' && finalize(settled.value))]);
    await new Promise<void>((resolve, reject) => {
      this.db.close((err) => (err ? reject(translate(err)) : resolve()));
    });
  }

  #inTurn<T>(work: () => Promise<T>): Promise<T> {
    return this.#turns === undefined ? work() : this.#turns.run(work);
  }

  /** The statement for `sql`, prepared on first use; SQL that fails to prepare is not kept. */
  #statement(sql: string): Promise<sqlite3.Statement> {
    if (this.#closed) return Promise.reject(Object.assign(new Error('SQLITE_MISUSE: Database is closed'), { code: 'SQLITE_MISUSE' }));
    const known = this.#prepared.get(sql);
    if (known !== undefined) {
      // Most recently used last, so the least used goes first when the limit is reached.
      this.#prepared.delete(sql);
      this.#prepared.set(sql, known);
      return known;
    }
    const prepared = new Promise<sqlite3.Statement>((resolve, reject) => {
      const statement = this.db.prepare(sql, (err: Error | null) => (err ? reject(translate(err)) : resolve(statement)));
    });
    prepared.catch(() => {
      if (this.#prepared.get(sql) === prepared) this.#prepared.delete(sql);
    });
    if (this.#prepared.size >= PREPARED_LIMIT) {
      const [oldestSql, oldest] = this.#prepared.entries().next().value as [string, Promise<sqlite3.Statement>];
      this.#prepared.delete(oldestSql);
      // The finalize is queued behind the calls already made on that statement.
      const finalizing = oldest.then(finalize, () => undefined);
      this.#finalizing.add(finalizing);
      void finalizing.then(() => this.#finalizing.delete(finalizing));
    }
    this.#prepared.set(sql, prepared);
    return prepared;
  }
}

function finalize(statement: sqlite3.Statement): Promise<void> {
  return new Promise((resolve) => statement.finalize(() => resolve()));
}
