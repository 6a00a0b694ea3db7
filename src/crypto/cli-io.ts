import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Clock } from '../clock/index.js';
import { loadKeystoreEntry, parseKeystoreType, type LoadedKeystoreEntry } from './keystore.js';

// What the operator commands share: their I/O, argument parsing, the keystore options and the
// password taken from a named environment variable (never from the command line, where `ps` shows it).

export interface CryptoCommandIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
  /** Defaults to the system clock. */
  clock?: Clock;
}

export const DEFAULT_PASSWORD_ENV = 'EFM_KEYSTORE_PASSWORD';

/** A mistake in how a command was called: exit code 2 and a hint to the help text. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS')) throw new UsageError(error.message);
    throw error;
  }
}

export function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function optional(values: Record<string, string | boolean | undefined>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function password(io: CryptoCommandIo, values: Record<string, string | boolean | undefined>): string {
  const variable = optional(values, 'password-env') ?? DEFAULT_PASSWORD_ENV;
  const value = io.env[variable];
  if (value === undefined) throw new UsageError(`the keystore password is read from $${variable}, which is not set (name another variable with --password-env)`);
  return value;
}

export const KEYSTORE_OPTIONS = {
  keystore: { type: 'string' },
  alias: { type: 'string' },
  'password-env': { type: 'string' },
  'keystore-type': { type: 'string' },
} as const;

export async function keystoreFromArgs(io: CryptoCommandIo, values: Record<string, string | boolean | undefined>): Promise<LoadedKeystoreEntry> {
  const type = optional(values, 'keystore-type');
  const loaded = await loadKeystoreEntry({
    path: required(values, 'keystore'),
    alias: required(values, 'alias'),
    password: password(io, values),
    type: type === undefined ? undefined : parseKeystoreType(type),
    clock: io.clock,
  });
  for (const warning of loaded.warnings) io.stderr.write(`efm: warning: ${warning.message}\n`);
  return loaded;
}

/** Streams `--in` (or stdin) through `transform` to `--out` (or stdout). */
export async function runThrough(io: CryptoCommandIo, values: Record<string, string | boolean | undefined>, transform: Transform): Promise<void> {
  const inPath = optional(values, 'in');
  await writeOutput(io, optional(values, 'out'), [inPath === undefined ? io.stdin : createReadStream(inPath), transform]);
}

/**
 * Runs the streams into the file (never overwriting one) or stdout. A failed run removes the
 * half-written file, so no partial plaintext is left behind.
 */
export async function writeOutput(io: CryptoCommandIo, outPath: string | undefined, streams: (Readable | Transform)[]): Promise<void> {
  if (outPath === undefined) {
    await pipeline([...streams, io.stdout], { end: false });
    return;
  }
  try {
    await pipeline([...streams, createWriteStream(outPath, { flags: 'wx', mode: 0o600 })]);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) await rm(outPath, { force: true });
    throw error;
  }
}
