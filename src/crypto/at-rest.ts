import type { BlobCipher } from '../store/index.js';
import { createCmsDecryptStream } from './cms-decrypt.js';
import { createCmsEncryptStream } from './cms-encrypt.js';
import type { KeystoreEntry } from './keystore.js';

/**
 * At-rest protection of stored payload files: CMS EnvelopedData (RSA-OAEP, AES-256-CBC) to our own
 * certificate, as the reference's cryptoMessagePersister does by default (transports notes §2.1, §4.4).
 */
export function atRestCipher(entry: KeystoreEntry): BlobCipher {
  return {
    encrypt: () => createCmsEncryptStream({ recipient: entry.certificate, keyTransport: 'rsa-oaep', contentEncryption: 'aes-256-cbc' }),
    decrypt: () => createCmsDecryptStream(entry),
  };
}
