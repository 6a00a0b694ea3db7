import { PassThrough, pipeline, Transform, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import { DEFAULT_ASIC_LIMITS } from '../../crypto/index.js';
import { UnreadableForsendelseError } from './errors.js';

// The files of a SvarInn forsendelse: a zip, once decrypted (transports notes §5.4). Its entries are
// listed with the crypto library's zip-bomb limits checked on the declared sizes, and each is streamed
// out when the ASiC-E writer reaches it, its inflated bytes counted, since a header can lie.

export interface ZipListing {
  files: readonly { name: string; open(): Readable }[];
  close(): void;
}

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxCompressionRatio: number;
  ratioCheckFromBytes: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = {
  maxEntries: DEFAULT_ASIC_LIMITS.maxEntries,
  maxEntryBytes: DEFAULT_ASIC_LIMITS.maxEntryBytes,
  maxCompressionRatio: DEFAULT_ASIC_LIMITS.maxCompressionRatio,
  ratioCheckFromBytes: DEFAULT_ASIC_LIMITS.ratioCheckFromBytes,
};

/** Throws UnreadableForsendelseError for a file that is no zip or breaks a limit. Directories are skipped. */
export async function listZip(path: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipListing> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: true }, (error, z) => {
      if (error) reject(new UnreadableForsendelseError(`the forsendelse is not a zip: ${error.message}`, error));
      else resolve(z);
    });
  });
  try {
    const entries = await allEntries(zip, limits);
    return {
      files: entries.filter((e) => !e.fileName.endsWith('/')).map((entry) => ({ name: entry.fileName, open: () => openEntry(zip, entry, limits.maxEntryBytes) })),
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    if (error instanceof UnreadableForsendelseError) throw error;
    throw new UnreadableForsendelseError(`the forsendelse is not a readable zip: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

async function allEntries(zip: yauzl.ZipFile, limits: ZipLimits): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  for (;;) {
    const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      const onEntry = (e: yauzl.Entry): void => { cleanup(); resolve(e); };
      const onEnd = (): void => { cleanup(); resolve(undefined); };
      const onError = (error: Error): void => { cleanup(); reject(error); };
      const cleanup = (): void => { zip.off('entry', onEntry).off('end', onEnd).off('error', onError); };
      zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
      zip.readEntry();
    });
    if (entry === undefined) return entries;
    check(entry, limits);
    entries.push(entry);
    if (entries.length > limits.maxEntries) throw new UnreadableForsendelseError(`the forsendelse holds more than ${limits.maxEntries} files`);
  }
}

function check(entry: yauzl.Entry, limits: ZipLimits): void {
  const name = entry.fileName;
  if (entry.isEncrypted()) throw new UnreadableForsendelseError(`${name} is encrypted`);
  if (entry.uncompressedSize > limits.maxEntryBytes) throw new UnreadableForsendelseError(`${name} is ${entry.uncompressedSize} bytes, over the limit of ${limits.maxEntryBytes}`);
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (entry.uncompressedSize >= limits.ratioCheckFromBytes && ratio > limits.maxCompressionRatio) {
    throw new UnreadableForsendelseError(`${name} compresses ${Math.round(ratio)}:1, over the limit of ${limits.maxCompressionRatio}:1`);
  }
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number): Readable {
  const out = new PassThrough();
  try {
    zip.openReadStream(entry, (error, stream) => {
      if (error) {
        out.destroy(error);
        return;
      }
      pipeline(stream, counting(entry.fileName, maxBytes), out, () => undefined);
    });
  } catch (error) {
    // A zip closed under a writer that was dropped (the message was not taken): nothing will read this.
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  }
  return out;
}

function counting(name: string, maxBytes: number): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) callback(new UnreadableForsendelseError(`${name} inflates past ${maxBytes} bytes`));
      else callback(null, chunk);
    },
  });
}
