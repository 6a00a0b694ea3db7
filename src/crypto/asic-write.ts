import { createHash } from 'node:crypto';
import { type PassThrough, Readable, Transform } from 'node:stream';
import yazl from 'yazl';
import { systemClock, type Clock } from '../clock/index.js';
import { randomId } from '../ids/index.js';
import { ASIC_MIMETYPE, asicManifestXml, oasisManifestXml, type DataObject } from './asic-manifest.js';
import { checkDocumentName, MIMETYPE_ENTRY } from './asic-names.js';
import { signDetached, type SignatureDigest } from './cms-sign.js';
import { AsicDuplicateEntryError } from './errors.js';
import type { KeystoreEntry } from './keystore.js';
import { xadesSignaturesXml } from './xades.js';

// Streaming ASiC-E writer (transports notes §4.2): `mimetype` first and stored, the documents in the
// given order (deflated, each hashed as it streams through), then the signature files and the OASIS
// manifest. The signature is made when the writer reaches it, after the last document has passed, so no
// document is held in memory or read twice.

export interface AsicDocument {
  name: string;
  mimetype: string;
  /** The bytes, or a function that opens them when the writer reaches this document. */
  content: Buffer | (() => Readable);
}

/** `cades`: ASiCManifest.xml + detached CMS (DPO, DPE, DPH, DPF); `xades`: signatures.xml (DPI). */
export type AsicSignatureForm = 'cades' | 'xades';

export interface AsicWriteOptions {
  documents: readonly AsicDocument[];
  signer: KeystoreEntry;
  /** Default `cades`. */
  signatureForm?: AsicSignatureForm;
  /** CAdES signature digest; default sha256 (the reference signs SHA1withRSA, transports notes §9.1). */
  signatureDigest?: SignatureDigest;
  clock?: Clock;
  /** Deflate level 1–9 of the documents; default 1 (fastest). */
  compressionLevel?: number;
}

const ARCHIVE_COMMENT = `mimetype=${ASIC_MIMETYPE}`;

export function createAsicStream(options: AsicWriteOptions): Readable {
  checkDocumentNames(options.documents);
  const now = (options.clock ?? systemClock).now();
  const zip = new yazl.ZipFile();
  // yazl's output is a PassThrough; its typings only promise a NodeJS.ReadableStream.
  const output = zip.outputStream as unknown as PassThrough;
  const fail = (error: unknown): void => { output.destroy(error instanceof Error ? error : new Error(String(error))); };
  zip.on('error', fail);

  // No extra field on mimetype, so its bytes sit at the fixed offset ASiC readers look at.
  const mimetypeOptions: Partial<yazl.Options> & { fileComment: string } = { compress: false, mtime: now, forceDosTimestamp: true, fileComment: ARCHIVE_COMMENT };
  zip.addBuffer(Buffer.from(ASIC_MIMETYPE), MIMETYPE_ENTRY, mimetypeOptions);
  const digests: DataObject[] = [];
  options.documents.forEach((document, index) => {
    zip.addReadStreamLazy(document.name, { mtime: now, compressionLevel: options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL }, (callback) => {
      const source = typeof document.content === 'function' ? document.content() : Readable.from([document.content]);
      source.once('error', fail);
      callback(null, source.pipe(hashing((sha256) => { digests[index] = { name: document.name, mimetype: document.mimetype, sha256 }; })));
    });
  });
  const lazy = (name: string, make: () => Buffer): void => {
    zip.addReadStreamLazy(name, { mtime: now }, (callback) => {
      try {
        callback(null, Readable.from([make()]));
      } catch (error) {
        callback(error instanceof Error ? error : new Error(String(error)), Readable.from([]));
      }
    });
  };
  if (options.signatureForm === 'xades') {
    lazy('META-INF/signatures.xml', () => xadesSignaturesXml({ objects: digests, signer: options.signer, signingTime: now }));
  } else {
    const signatureName = `META-INF/signature-${randomId()}.p7s`;
    let manifest: Buffer | undefined;
    const manifestBytes = (): Buffer => (manifest ??= asicManifestXml(signatureName, digests));
    lazy('META-INF/ASiCManifest.xml', manifestBytes);
    lazy(signatureName, () => signDetached(manifestBytes(), { signer: options.signer, digest: options.signatureDigest ?? 'sha256', clock: options.clock }));
  }
  zip.addBuffer(oasisManifestXml(options.documents), 'META-INF/manifest.xml', { mtime: now });
  zip.end({ comment: ARCHIVE_COMMENT, forceZip64Format: false });
  return output;
}

// Deflate at its default level runs at a few MB/s, which would cap what a daemon can send; the fastest
// level keeps most of the gain on text and XML and costs little on PDFs and images, which are compressed
// already. Storing them uncompressed is not an option: a streamed entry needs a data descriptor, and
// Java's ZipInputStream — what reference receivers read ASiC-E with — refuses STORED entries that have one.
const DEFAULT_COMPRESSION_LEVEL = 1;

function checkDocumentNames(documents: readonly AsicDocument[]): void {
  const seen = new Set<string>();
  for (const { name } of documents) {
    checkDocumentName(name);
    if (seen.has(name)) throw new AsicDuplicateEntryError(name);
    seen.add(name);
  }
}

/** Passes bytes through unchanged and reports their base64 SHA-256 at the end. */
function hashing(done: (sha256: string) => void): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      done(hash.digest('base64'));
      callback();
    },
  });
}
