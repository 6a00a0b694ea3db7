import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

// Where delivery stands, in one small file replaced atomically (write a temporary file, fsync it,
// rename it over the old one, fsync the directory): a crash leaves either the old or the new state,
// never a mix. It names the first event not yet acknowledged and, for the HTTP transport, the ids
// after it that the collector already acknowledged out of order.

export interface Position {
  segment: number;
  offset: number;
}

export interface BufferState {
  cursor: Position;
  acknowledged: readonly string[];
}

const STATE_FILE = 'state.json';

export function comparePositions(a: Position, b: Position): number {
  return a.segment === b.segment ? a.offset - b.offset : a.segment - b.segment;
}

/** The saved state, or undefined when there is none yet or it cannot be read (delivery restarts from the oldest event). */
export async function readBufferState(dir: string): Promise<BufferState | undefined> {
  const text = await readFile(join(dir, STATE_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  return parseState(raw);
}

function parseState(raw: unknown): BufferState | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { cursor, acknowledged } = raw as { cursor?: unknown; acknowledged?: unknown };
  if (typeof cursor !== 'object' || cursor === null) return undefined;
  const { segment, offset } = cursor as { segment?: unknown; offset?: unknown };
  if (!Number.isSafeInteger(segment) || !Number.isSafeInteger(offset)) return undefined;
  const ids = Array.isArray(acknowledged) ? acknowledged.filter((id): id is string => typeof id === 'string') : [];
  return { cursor: { segment: segment as number, offset: offset as number }, acknowledged: ids };
}

export async function writeBufferState(dir: string, state: BufferState): Promise<void> {
  const path = join(dir, STATE_FILE);
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(JSON.stringify(state));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  await syncDirectory(dir);
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
