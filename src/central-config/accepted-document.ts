// The last accepted document, kept in the data directory so the next start merges the same central
// layer (its cold keys take effect there). Written to a temporary file first and renamed into place, so
// a crash leaves either the old document or the new one, never half of one.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILE = 'accepted.jws';

export interface StagedDocument {
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export async function readAcceptedDocument(stateDir: string): Promise<string | undefined> {
  try {
    return await readFile(join(stateDir, FILE), 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export async function stageAcceptedDocument(stateDir: string, jws: string): Promise<StagedDocument> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const target = join(stateDir, FILE);
  const temporary = `${target}.tmp`;
  await writeFile(temporary, jws, { mode: 0o600, flush: true });
  return {
    commit: () => rename(temporary, target),
    discard: () => rm(temporary, { force: true }),
  };
}

const isMissing = (error: unknown) => typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
