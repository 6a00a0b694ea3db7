import { createHash, type X509Certificate } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../../clock/index.js';
import { createAsicStream, createCmsEncryptStream, type AsicDocument, type KeystoreEntry } from '../../crypto/index.js';

// The dokumentpakke (transports notes §5.3 step 1): the XAdES ASiC-E CMS-encrypted (RSA-OAEP, AES-256-CBC)
// to the provider's certificate, streamed into a file. Its SHA-256 must sit in the business message,
// and that JWS goes first in the request, so the CMS is hashed on its way to the file and sent from
// there afterwards; nothing is held in memory.

export interface DokumentpakkeInput {
  documents: readonly AsicDocument[];
  signer: KeystoreEntry;
  recipient: X509Certificate;
  clock: Clock;
  /** The file the CMS is written to. */
  path: string;
  signal: AbortSignal;
}

export interface Dokumentpakke {
  path: string;
  size: number;
  /** Base64 SHA-256 of the CMS: `dokumentpakkefingeravtrykk.digestValue`. */
  sha256: string;
}

export async function writeDokumentpakke(input: DokumentpakkeInput): Promise<Dokumentpakke> {
  const hash = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(
    createAsicStream({ documents: input.documents, signer: input.signer, signatureForm: 'xades', clock: input.clock }),
    createCmsEncryptStream({ recipient: input.recipient }),
    measure,
    createWriteStream(input.path, { mode: 0o600 }),
    { signal: input.signal },
  );
  return { path: input.path, size, sha256: hash.digest('base64') };
}
