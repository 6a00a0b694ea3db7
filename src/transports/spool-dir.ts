import { mkdir, rm } from 'node:fs/promises';

/**
 * A transport's spool directory, emptied and created on first use: files left there by a stopped daemon
 * belong to no running send or poll. A failure is not remembered, so the next use tries again.
 */
export function spoolDir(path: string): () => Promise<void> {
  let prepared: Promise<void> | undefined;
  return () => {
    prepared ??= rm(path, { recursive: true, force: true })
      .then(() => mkdir(path, { recursive: true }))
      .then(() => undefined, (error: unknown) => {
        prepared = undefined;
        throw error;
      });
    return prepared;
  };
}
