import type { BlobCipher } from '../store/index.js';
import { createCmsDecryptStream } from './cms-decrypt.js';
import { createCmsEncryptStream } from './cms-encrypt.js';
import { ContentKeyCache } from './cms-recipient.js';
import type { KeystoreEntry } from './keystore.js';

/**
 * At-rest protection of stored payload files: CMS EnvelopedData (RSA-OAEP, AES-256-CBC) to our own
 * certificate, as the reference's cryptoMessagePersister does by default (transports notes §2.1, §4.4).
 */
export function atRestCipher(entry: KeystoreEntry): BlobCipher {
  // A stored file is read several times before it leaves (checks at upload and at send, packing); the
  // keys of files written by this process are known from the start, so reading them costs no RSA.
  const contentKeys = new ContentKeyCache();
  return {
    encrypt: () => createCmsEncryptStream({ recipient: entry.certificate, keyTransport: 'rsa-oaep', contentEncryption: 'aes-256-cbc', contentKeys }),
    decrypt: () => createCmsDecryptStream(entry, { contentKeys }),
  };
}
