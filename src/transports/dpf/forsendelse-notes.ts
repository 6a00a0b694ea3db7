import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Which SvarUt forsendelse a message became (the reference's messageId → forsendelseId table,
// transports notes §5.4): usually the messageId itself, but a UUID SenderRef is used instead. Status
// polling reads it; without a note the forsendelse is looked up by its eksternref (the messageId).
// One small file per message in the transport's work folder; gone once the message is no longer polled.

export interface ForsendelseNotes {
  note(messageId: string, forsendelsesid: string): Promise<void>;
  find(messageId: string): Promise<string | undefined>;
  forget(messageId: string): Promise<void>;
}

export function createForsendelseNotes(dir: string): ForsendelseNotes {
  const path = (messageId: string) => join(dir, encodeURIComponent(messageId));
  return {
    async note(messageId, forsendelsesid) {
      await mkdir(dir, { recursive: true });
      await writeFile(path(messageId), forsendelsesid, 'utf8');
    },
    async find(messageId) {
      try {
        const id = (await readFile(path(messageId), 'utf8')).trim();
        return id === '' ? undefined : id;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async forget(messageId) {
      await rm(path(messageId), { force: true });
    },
  };
}
