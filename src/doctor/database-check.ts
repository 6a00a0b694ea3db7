// Opens the SQLite database as the daemon will and writes in a transaction that is rolled back: proves
// the file is a database, not locked for long by another process, and writable by this user, without
// changing it. Without a database yet, the same is done on a scratch file in the data directory.
import { randomBytes } from 'node:crypto';
import { access, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sqlite3 from 'sqlite3';
import { checkResult, type DoctorCheck } from './check.js';

const BUSY_TIMEOUT_MS = 2000;

export async function checkDatabase(file: string): Promise<DoctorCheck> {
  const exists = await isThere(file);
  if (!exists && !(await isThere(dirname(file)))) return checkResult('database', 'ok', `no database yet; ${file} is created at the first start`);
  const target = exists ? file : join(dirname(file), `.efm-doctor-${randomBytes(6).toString('hex')}.sqlite`);
  try {
    await writeAndRollBack(target, exists);
    return checkResult('database', 'ok', exists ? `${file} is writable` : `no database yet; its directory accepts one (${dirname(file)})`);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'UNKNOWN';
    const message = error instanceof Error ? error.message : String(error);
    return checkResult('database', 'fail', `${file}: ${message}`, databaseFix(code, file));
  } finally {
    if (!exists) await Promise.all(['', '-journal', '-wal', '-shm'].map((s) => rm(`${target}${s}`, { force: true })));
  }
}

async function writeAndRollBack(file: string, exists: boolean): Promise<void> {
  const mode = exists ? sqlite3.OPEN_READWRITE : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened = new sqlite3.Database(file, mode, (error) => (error ? reject(error) : resolve(opened)));
  });
  const run = (sql: string) => new Promise<void>((resolve, reject) => db.run(sql, (error: Error | null) => (error ? reject(error) : resolve())));
  try {
    db.configure('busyTimeout', BUSY_TIMEOUT_MS);
    await run('BEGIN IMMEDIATE');
    try {
      await run('CREATE TABLE efm_doctor_scratch (x INTEGER)');
      await run('INSERT INTO efm_doctor_scratch VALUES (1)');
    } finally {
      await run('ROLLBACK');
    }
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

const isThere = (path: string) => access(path).then(() => true, () => false);

function databaseFix(code: string, file: string): string {
  switch (code) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return `another process holds a write lock on ${file} for over ${BUSY_TIMEOUT_MS / 1000} s: stop it (two daemons must not share one SQLite file)`;
    case 'SQLITE_READONLY':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
      return `give the service user read and write access to ${file} and its directory (the -wal and -shm files are created beside it)`;
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return `${file} is not a usable database: restore it from a backup (stop the daemon, copy the data directory back)`;
    case 'SQLITE_FULL':
      return 'the disk is full: free space (see the disk check)';
    default:
      return `check ${file} and its directory`;
  }
}
