import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../clock/index.js';
import type { SystemUser } from './system-users.js';

// The broker lists a transfer as new only until its download starts (recipientStatus=Initialized; the
// download itself moves it to DownloadStarted). A transfer whose download started but was not confirmed
// (the daemon stopped, the inbox failed) would never be listed again, so each one is noted here before
// its download and forgotten once it is confirmed; the next poll takes the noted ones up again.

export interface UnconfirmedDownloads {
  /** Transfers of this system user noted and not yet forgotten, oldest first. */
  list(user: SystemUser): Promise<string[]>;
  note(user: SystemUser, fileTransferId: string): Promise<void>;
  forget(fileTransferId: string): Promise<void>;
}

/** Broker ids are UUIDs; anything else is kept out of file names. */
const SAFE_ID = /^[A-Za-z0-9-]{1,64}$/;

export function createUnconfirmedDownloads(dir: string, clock: Clock): UnconfirmedDownloads {
  const file = (id: string) => join(dir, `${id}.json`);
  return {
    async list(user) {
      await mkdir(dir, { recursive: true });
      const found: { id: string; at: number }[] = [];
      for (const name of await readdir(dir)) {
        const id = name.replace(/\.json$/, '');
        if (!name.endsWith('.json') || !SAFE_ID.test(id)) continue;
        const entry = await readEntry(file(id));
        // A note cut short by a crash was written before its download started: the transfer is still
        // listed as new, so the note can go.
        if (entry === undefined) await rm(file(id), { force: true });
        else if (entry.orgId === user.orgId) found.push({ id, at: entry.at });
      }
      return found.sort((a, b) => a.at - b.at).map((e) => e.id);
    },
    async note(user, fileTransferId) {
      if (!SAFE_ID.test(fileTransferId)) return;
      await mkdir(dir, { recursive: true });
      await writeFile(file(fileTransferId), JSON.stringify({ orgId: user.orgId, at: clock.now().getTime() }));
    },
    async forget(fileTransferId) {
      if (SAFE_ID.test(fileTransferId)) await rm(file(fileTransferId), { force: true });
    },
  };
}

async function readEntry(path: string): Promise<{ orgId: string; at: number } | undefined> {
  try {
    const json: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (typeof json !== 'object' || json === null) return undefined;
    const { orgId, at } = json as Record<string, unknown>;
    return typeof orgId === 'string' && typeof at === 'number' ? { orgId, at } : undefined;
  } catch {
    return undefined;
  }
}
