import { createWriteStream } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { DEFAULT_ASIC_LIMITS } from '../../crypto/index.js';
import { UnreadableTransferError } from './errors.js';
import { ASIC_ENTRY, SBD_ENTRY } from './sbd-zip-write.js';

// Reads a downloaded `sbd.zip` (transports notes §5.1 receive step 3) with the crypto library's zip-bomb
// limits: declared sizes and compression ratios are checked before a byte is inflated, and the bytes
// that come out are counted, since a header can lie. `sbd.json` is read into memory (a small document),
// `asic.zip` is streamed to a file; other entries are skipped unread.

export interface SbdZipLimits {
  maxEntries: number;
  maxSbdBytes: number;
  maxAsicBytes: number;
  maxCompressionRatio: number;
  ratioCheckFromBytes: number;
}

export const DEFAULT_SBD_ZIP_LIMITS: Readonly<SbdZipLimits> = {
  maxEntries: 100,
  maxSbdBytes: DEFAULT_ASIC_LIMITS.maxMetaInfBytes,
  maxAsicBytes: DEFAULT_ASIC_LIMITS.maxTotalBytes,
  maxCompressionRatio: DEFAULT_ASIC_LIMITS.maxCompressionRatio,
  ratioCheckFromBytes: DEFAULT_ASIC_LIMITS.ratioCheckFromBytes,
};

export interface SbdZipContents {
  sbdJson: Buffer;
  /** Set when the zip held `asic.zip`: the file it was written to. */
  asicPath?: string;
}

/** Reads the zip at `path`, writing `asic.zip` to `asicPath`. Throws UnreadableTransferError. */
export async function readSbdZip(path: string, asicPath: string, limits: SbdZipLimits = DEFAULT_SBD_ZIP_LIMITS): Promise<SbdZipContents> {
  const zip = await openZip(path);
  try {
    let sbdJson: Buffer | undefined;
    let hasAsic = false;
    const seen = new Set<string>();
    for await (const entry of eachEntry(zip)) {
      const name = entry.fileName;
      if (seen.has(name)) throw new UnreadableTransferError(`the zip holds ${name} twice`);
      seen.add(name);
      if (seen.size > limits.maxEntries) throw new UnreadableTransferError(`the zip holds more than ${limits.maxEntries} entries`);
      if (name === SBD_ENTRY) {
        checkDeclared(entry, limits.maxSbdBytes, limits);
        sbdJson = await readToBuffer(zip, entry, limits.maxSbdBytes);
      } else if (name === ASIC_ENTRY) {
        checkDeclared(entry, limits.maxAsicBytes, limits);
        await pipeline(await openEntry(zip, entry), counting(name, limits.maxAsicBytes), createWriteStream(asicPath));
        hasAsic = true;
      }
    }
    if (sbdJson === undefined) throw new UnreadableTransferError(`the zip holds no ${SBD_ENTRY} (entries: ${[...seen].join(', ') || 'none'})`);
    return hasAsic ? { sbdJson, asicPath } : { sbdJson };
  } catch (error) {
    if (error instanceof UnreadableTransferError) throw error;
    throw new UnreadableTransferError(`the file transfer is not a readable zip: ${error instanceof Error ? error.message : String(error)}`, error);
  } finally {
    zip.close();
  }
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: true }, (error, zip) => {
      if (error) reject(new UnreadableTransferError(`the file transfer is not a zip: ${error.message}`, error));
      else resolve(zip);
    });
  });
}

async function* eachEntry(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      const onEntry = (e: yauzl.Entry): void => { cleanup(); resolve(e); };
      const onEnd = (): void => { cleanup(); resolve(undefined); };
      const onError = (error: Error): void => { cleanup(); reject(error); };
      const cleanup = (): void => { zip.off('entry', onEntry).off('end', onEnd).off('error', onError); };
      zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
      zip.readEntry();
    });
    if (entry === undefined) return;
    yield entry;
  }
}

function checkDeclared(entry: yauzl.Entry, maxBytes: number, limits: SbdZipLimits): void {
  const name = entry.fileName;
  if (entry.isEncrypted()) throw new UnreadableTransferError(`${name} is encrypted`);
  if (entry.uncompressedSize > maxBytes) throw new UnreadableTransferError(`${name} is ${entry.uncompressedSize} bytes, over the limit of ${maxBytes}`);
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (entry.uncompressedSize >= limits.ratioCheckFromBytes && ratio > limits.maxCompressionRatio) {
    throw new UnreadableTransferError(`${name} compresses ${Math.round(ratio)}:1, over the limit of ${limits.maxCompressionRatio}:1`);
  }
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}

function counting(name: string, maxBytes: number): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) callback(new UnreadableTransferError(`${name} inflates past ${maxBytes} bytes`));
      else callback(null, chunk);
    },
  });
}

async function readToBuffer(zip: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(await openEntry(zip, entry), counting(entry.fileName, maxBytes), new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  }));
  return Buffer.concat(chunks);
}
