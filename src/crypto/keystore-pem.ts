import { createPrivateKey, type KeyObject } from 'node:crypto';
import { certificatesFromPem, chainFrom } from './certificate.js';
import { KeystoreError, KeystorePasswordError } from './errors.js';
import type { RawKeystore } from './keystore.js';

// A PEM file holding one private key (PKCS#8, PKCS#1 or encrypted PKCS#8 with the keystore password)
// and its certificate chain. It has a single entry, named `pem` until a selection names it.

const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

export function readPem(bytes: Buffer, password: string, path: string): RawKeystore {
  const text = bytes.toString('utf8');
  const keyBlock = PEM_PRIVATE_KEY.exec(text)?.[0];
  const certificates = certificatesFromPem(text);
  if (keyBlock === undefined) throw new KeystoreError(`${path} holds no private key`);
  const privateKey = parseKey(keyBlock, password, path);
  const leaf = certificates.find((c) => c.checkPrivateKey(privateKey)) ?? certificates[0];
  if (leaf === undefined) throw new KeystoreError(`${path} holds no certificate`);
  return { keyEntries: [{ alias: 'pem', privateKey, certificate: leaf, chain: chainFrom(leaf, certificates) }], trusted: [] };
}

function parseKey(block: string, password: string, path: string): KeyObject {
  try {
    return createPrivateKey({ key: block, passphrase: password });
  } catch (error) {
    if (block.includes('ENCRYPTED')) throw new KeystorePasswordError(path, error);
    throw new KeystoreError(`cannot read the private key in ${path}`, 'EFM_KEYSTORE_UNREADABLE', error);
  }
}
