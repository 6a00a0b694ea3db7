import type { X509Certificate } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../../clock/index.js';
import { createAsicStream, createCmsEncryptStream, type AsicDocument, type KeystoreEntry } from '../../crypto/index.js';
import type { StandardBusinessDocument } from '../../domain/index.js';
import { createBase64Encoder } from './base64-encode.js';

// The body of a DPE message on the Service Bus (transports notes §5.5, §9.3): the JSON `{"sbd": …,
// "asic": "…"}`, where `asic` is base64 of the base64 text of the CMS (PKCS#1 v1.5 key transport,
// AES-256-CBC; §4.4) of the CAdES ASiC-E (CONTRACT.md §9.4). Documents stream through ASiC, CMS and both
// encodings into a spool file, so the request gets a Content-Length without the payload in memory.

export interface DpePayload {
  sbd: StandardBusinessDocument;
  /** The ASiC-E's documents in container order; none (a status SBD) means no `asic` member. */
  documents: readonly AsicDocument[];
  signer: KeystoreEntry;
  /** The receiver's certificate; needed when there are documents. */
  recipient?: X509Certificate;
  clock: Clock;
}

/** Writes the JSON body to `path` and returns its size in bytes. */
export async function writeDpePayload(payload: DpePayload, path: string, signal: AbortSignal): Promise<number> {
  const head = `{"sbd":${JSON.stringify(payload.sbd)}`;
  if (payload.documents.length === 0) {
    await pipeline(Readable.from([Buffer.from(`${head}}`, 'utf8')]), createWriteStream(path), { signal });
    return (await stat(path)).size;
  }
  if (payload.recipient === undefined) throw new TypeError('an ASiC-E needs the receiver certificate');
  const asic = createAsicStream({ documents: payload.documents, signer: payload.signer, clock: payload.clock });
  const cms = createCmsEncryptStream({ recipient: payload.recipient, keyTransport: 'rsa-pkcs1' });
  async function* body(encoded: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    yield Buffer.from(`${head},"asic":"`, 'utf8');
    yield* encoded;
    yield Buffer.from('"}', 'utf8');
  }
  try {
    await pipeline(asic, cms, createBase64Encoder(), createBase64Encoder(), body, createWriteStream(path), { signal });
  } finally {
    asic.destroy();
    cms.destroy();
  }
  return (await stat(path)).size;
}
