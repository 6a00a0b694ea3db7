import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock/index.js';
import { generateSelfSignedKeystore, loadKeystoreEntry, type KeystoreType, type LoadedKeystoreEntry } from '../crypto/index.js';

// Our business identity: the configured keystore, or — on a fresh install with none configured — a
// self-signed one generated once in the data directory (issue 2, quick start). Its password is random and
// kept beside it with owner-only permissions; it never appears in a log line.
export interface OwnKeystoreOptions {
  orgNumber: string;
  configured?: { path: string; alias: string; password?: string; type: KeystoreType };
  dataDir: string;
  clock: Clock;
}

export interface OwnKeystore extends LoadedKeystoreEntry {
  /** Where the key came from, for logs and /manage/info. */
  source: 'configured' | 'generated';
  path: string;
}

const GENERATED_FILE = 'self-signed.p12';
const PASSWORD_FILE = 'self-signed.password';

export async function openOwnKeystore(o: OwnKeystoreOptions): Promise<OwnKeystore> {
  if (o.configured) {
    const loaded = await loadKeystoreEntry({ ...o.configured, password: o.configured.password ?? '', clock: o.clock });
    return { ...loaded, source: 'configured', path: o.configured.path };
  }
  const dir = join(o.dataDir, 'keystore');
  const path = join(dir, GENERATED_FILE);
  const passwordPath = join(dir, PASSWORD_FILE);
  let password = await readFile(passwordPath, 'utf8').catch(() => undefined);
  if (password === undefined) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    password = randomBytes(24).toString('base64url');
    await generateSelfSignedKeystore({ orgNumber: o.orgNumber, commonName: `Self-signed ${o.orgNumber}`, password, clock: o.clock, out: path });
    await writeFile(passwordPath, password, { mode: 0o600 });
  }
  const loaded = await loadKeystoreEntry({ path, password: password.trim(), alias: o.orgNumber, type: 'PKCS12', clock: o.clock });
  return { ...loaded, source: 'generated', path };
}
