import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import jks from 'jks-js';
import { chainFrom } from './certificate.js';
import { KeystoreError, KeystorePasswordError } from './errors.js';
import type { KeystoreEntry, RawKeystore } from './keystore.js';

// Java keystores (JKS), which older installations of the reference still point
// `difi.move.org.keystore.path` at. The key password is the store password (transports notes §4.6).

export function readJks(bytes: Buffer, password: string, path: string): RawKeystore {
  const entries = parseEntries(bytes, password, path);
  const keyEntries: KeystoreEntry[] = [];
  const trusted: RawKeystore['trusted'] = [];
  for (const entry of entries) {
    if ('protectedPrivateKey' in entry) {
      const certificates = entry.chain.map((c) => new X509Certificate(c.value));
      const leaf = certificates[0];
      if (leaf === undefined) throw new KeystoreError(`key entry "${entry.alias}" in ${path} has no certificate`);
      keyEntries.push({ alias: entry.alias, privateKey: recoverKey(entry.protectedPrivateKey, password, path), certificate: leaf, chain: chainFrom(leaf, certificates) });
    } else {
      trusted.push({ alias: entry.alias, certificate: new X509Certificate(entry.cert.value) });
    }
  }
  return { keyEntries, trusted };
}

function parseEntries(bytes: Buffer, password: string, path: string): ReturnType<typeof jks.parseJks> {
  try {
    return jks.parseJks(bytes, password);
  } catch (error) {
    // jks-js tells a failed integrity check apart only in its message; this is the one place that reads it.
    if (error instanceof Error && /password/i.test(error.message)) throw new KeystorePasswordError(path, error);
    throw new KeystoreError(`cannot read Java keystore ${path}`, 'EFM_KEYSTORE_UNREADABLE', error);
  }
}

function recoverKey(protectedKey: Buffer, password: string, path: string): KeyObject {
  try {
    return createPrivateKey(jks.decrypt(protectedKey, password));
  } catch (error) {
    throw new KeystorePasswordError(path, error);
  }
}
