import { readFile } from 'node:fs/promises';
import type * as OpenPgp from 'openpgp';
import { UpdateSetupError } from './errors.js';

// The public keys a release must be signed with, read from files the operator pins (ops notes §1.5:
// `kosmos.verification.publicKeyPaths[n]`; several files so that key rollovers can overlap). openpgp is
// loaded on first use: only the supervisor needs it, and the daemon should not pay for it at start-up.
type OpenPgpModule = typeof OpenPgp;
let loading: Promise<OpenPgpModule> | undefined;

export function loadOpenPgp(): Promise<OpenPgpModule> {
  loading ??= import('openpgp');
  return loading;
}

export interface PinnedKey {
  /** Upper-case hex fingerprint of the primary key. */
  readonly fingerprint: string;
  /** Where the key was read from, for log lines. */
  readonly source: string;
  readonly key: OpenPgp.PublicKey;
}

/** Reads every armoured public key in the given files; a file without one is a setup error. */
export async function loadPinnedKeys(paths: readonly string[]): Promise<PinnedKey[]> {
  const openpgp = await loadOpenPgp();
  const keys: PinnedKey[] = [];
  for (const path of paths) {
    let armoredKeys: string;
    try {
      armoredKeys = await readFile(path, 'utf8');
    } catch (cause) {
      throw new UpdateSetupError(`cannot read the pinned public key file ${path}`, cause);
    }
    let read: OpenPgp.Key[];
    try {
      read = await openpgp.readKeys({ armoredKeys });
    } catch (cause) {
      throw new UpdateSetupError(`${path} holds no armoured OpenPGP public key`, cause);
    }
    for (const key of read) {
      keys.push({ fingerprint: key.getFingerprint().toUpperCase(), source: path, key: key.toPublic() });
    }
  }
  return keys;
}
