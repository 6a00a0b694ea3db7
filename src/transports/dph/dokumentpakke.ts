import type { X509Certificate } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../../clock/index.js';
import { createAsicStream, createCmsEncryptStream, type AsicDocument, type KeystoreEntry } from '../../crypto/index.js';

// The DPH dokumentpakke (transports notes §4.3 "DPH", §4.4): a CAdES ASiC-E holding only the documents
// (no business manifest), CMS-encrypted with RSA-OAEP to the adapter's certificate and AES-256-GCM as
// the reference writes it for DPH — plain EnvelopedData with the GCM tag after the ciphertext. It is
// spooled to a file, since the multipart request needs its length before it is sent.

export interface DokumentpakkeInput {
  documents: readonly AsicDocument[];
  signer: KeystoreEntry;
  /** The adapter's certificate. */
  recipient: X509Certificate;
  clock: Clock;
  path: string;
  signal: AbortSignal;
}

export async function writeDokumentpakke(input: DokumentpakkeInput): Promise<{ path: string; size: number }> {
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(
    createAsicStream({ documents: input.documents, signer: input.signer, signatureForm: 'cades', clock: input.clock }),
    createCmsEncryptStream({ recipient: input.recipient, keyTransport: 'rsa-oaep', contentEncryption: 'aes-256-gcm-tag-appended' }),
    measure,
    createWriteStream(input.path, { mode: 0o600 }),
    { signal: input.signal },
  );
  return { path: input.path, size };
}
