import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomId } from '../ids/index.js';

// A stable name for this installation, made once and kept in its data directory. Daemons that share one
// database (PostgreSQL) each have their own data directory and so their own id; a restarted daemon keeps
// its id and can take back the work it had leased.
export async function installationId(dataDir: string): Promise<string> {
  const file = join(dataDir, 'installation-id');
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (existing) return existing;
  const id = randomId();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${id}\n`, { mode: 0o644 });
  return id;
}
