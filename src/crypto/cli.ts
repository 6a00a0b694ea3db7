import { EfmError } from '../domain/index.js';
import { runAsic } from './cli-asic.js';
import { runCms } from './cli-cms.js';
import { UsageError, type CryptoCommandIo } from './cli-io.js';
import { runKeys } from './cli-keys.js';

// The operator commands `efm cms …`, `efm asic …` and `efm keys …`, for support staff opening a stuck
// message by hand. src/main.ts hands over argv from the group name on. Every failure is one line on
// stderr and a non-zero exit: 1 for a failed operation, 2 for a wrong call.

export type { CryptoCommandIo } from './cli-io.js';

const GROUPS: Readonly<Record<string, (argv: string[], io: CryptoCommandIo) => Promise<number>>> = {
  cms: runCms,
  asic: runAsic,
  keys: runKeys,
};

/** `argv` starts with the group: `['cms', 'decrypt', '--keystore', …]`. Resolves to the exit code. */
export async function runCryptoCommand(argv: string[], io: CryptoCommandIo): Promise<number> {
  const [group, ...rest] = argv;
  const run = group === undefined ? undefined : GROUPS[group];
  try {
    if (run === undefined) throw new UsageError(`unknown command ${JSON.stringify(group ?? '')} (cms, asic, keys)`);
    return await run(rest, io);
  } catch (error) {
    io.stderr.write(`efm: ${describeFailure(error)}\n`);
    if (error instanceof UsageError) {
      io.stderr.write(`efm: see 'efm ${run === undefined ? '<cms|asic|keys>' : group} --help'\n`);
      return 2;
    }
    return 1;
  }
}

/** One line for any failure; file-system errors name the path, unexpected ones say so. */
function describeFailure(error: unknown): string {
  if (error instanceof EfmError || error instanceof UsageError) return error.message;
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    const path = 'path' in error && typeof error.path === 'string' ? error.path : undefined;
    const known: Record<string, string> = { ENOENT: 'no such file', EEXIST: 'already exists, not overwritten', EACCES: 'permission denied', EISDIR: 'is a folder', EPIPE: 'output closed early' };
    const reason = known[error.code];
    if (reason !== undefined) return path === undefined ? reason : `${path}: ${reason}`;
    return `${error.message.split('\n')[0] ?? error.code} (${error.code})`;
  }
  return `unexpected failure: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
}
