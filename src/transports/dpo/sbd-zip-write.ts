import type { X509Certificate } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { Clock } from '../../clock/index.js';
import { createAsicStream, createCmsEncryptStream, type AsicDocument, type KeystoreEntry } from '../../crypto/index.js';
import type { StandardBusinessDocument } from '../../domain/index.js';

// The upload of a DPO message, `sbd.zip` (transports notes §5.1 step 2): `sbd.json`, then `asic.zip`,
// which despite its name is the CMS EnvelopedData (RSA-OAEP, AES-256-CBC; §4.4) of the CAdES ASiC-E
// (§4.2) to the receiver's certificate. Documents stream through ASiC, CMS and zip into one file: the
// broker wants a Content-Length, and the reference's in-memory buffering (§9.4) is what we avoid.

/**
 * The CMS is ciphertext and does not compress, so it is STORED; deflating it would only cost time. The
 * reference reads the zip with java.util.zip.ZipFile, from the central directory, which takes a STORED
 * entry with a data descriptor (a streaming reader such as ZipInputStream would not).
 */
const ASIC_ENTRY_COMPRESSION_LEVEL = 0;

export const SBD_ENTRY = 'sbd.json';
export const ASIC_ENTRY = 'asic.zip';

export interface SbdZipContent {
  /** The SBD as it goes into `sbd.json`. */
  sbd: StandardBusinessDocument;
  /** The ASiC-E's documents in container order; none (status and receipt SBDs) means no `asic.zip`. */
  documents: readonly AsicDocument[];
  signer: KeystoreEntry;
  /** The receiver's certificate; needed when there are documents. */
  recipient?: X509Certificate;
  clock: Clock;
}

/** Writes `sbd.zip` to `path` and returns its size in bytes. */
export async function writeSbdZip(content: SbdZipContent, path: string, signal: AbortSignal): Promise<number> {
  const mtime = content.clock.now();
  const zip = new yazl.ZipFile();
  // yazl's output is a PassThrough; its typings only promise a NodeJS.ReadableStream.
  const output = zip.outputStream as unknown as PassThrough;
  const inner: Readable[] = [];
  const fail = (error: unknown): void => {
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  zip.on('error', fail);
  zip.addBuffer(Buffer.from(JSON.stringify(content.sbd), 'utf8'), SBD_ENTRY, { mtime });
  if (content.documents.length > 0) {
    if (content.recipient === undefined) throw new TypeError('an ASiC-E needs the receiver certificate');
    const asic = createAsicStream({ documents: content.documents, signer: content.signer, clock: content.clock });
    const cms = createCmsEncryptStream({ recipient: content.recipient });
    inner.push(asic, cms);
    asic.once('error', fail);
    cms.once('error', fail);
    zip.addReadStream(asic.pipe(cms), ASIC_ENTRY, { mtime, compressionLevel: ASIC_ENTRY_COMPRESSION_LEVEL });
  }
  zip.end();
  try {
    await pipeline(output, createWriteStream(path), { signal });
  } finally {
    // On failure this stops the reading of documents that are still open; after success it is a no-op.
    for (const stream of inner) stream.destroy();
  }
  return (await stat(path)).size;
}
