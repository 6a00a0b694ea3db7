import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock/index.js';
import { generateSelfSignedKeystore, loadKeystoreEntry, type KeystoreEntry } from '../crypto/index.js';

// The sandbox's keys: one self-signed PKCS#12 keystore per party (a demo organisation, a mailbox or print
// provider, SvarUt, the nhn-adapter), made on the first start and kept in the sandbox's data directory,
// so a restarted sandbox keeps its certificates and the daemons' stored messages stay readable.

export interface SandboxKey {
  path: string;
  password: string;
  entry: KeystoreEntry;
}

export async function sandboxKey(dir: string, orgnr: string, clock: Clock): Promise<SandboxKey> {
  const path = join(dir, `${orgnr}.p12`);
  const passwordPath = join(dir, `${orgnr}.password`);
  let password = await readFile(passwordPath, 'utf8').catch(() => undefined);
  if (password === undefined) {
    password = randomBytes(18).toString('base64url');
    await generateSelfSignedKeystore({ orgNumber: orgnr, commonName: `Sandbox ${orgnr}`, password, out: path, clock });
    await writeFile(passwordPath, password, { mode: 0o600 });
  }
  const { entry } = await loadKeystoreEntry({ path, password, alias: orgnr, type: 'PKCS12', clock });
  return { path, password, entry };
}
