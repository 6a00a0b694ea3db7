import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Transform, pipeline as pipelineCallback, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileTooLargeError } from '../domain/index.js';
import { randomId } from '../ids/index.js';
import type { BlobCipher } from './port.js';

// Payload bytes live as files in one directory, named by a UUID, so the database rows stay small and a
// 1 GB upload streams through with flat memory. Shared by every Store adapter.
//
// A blob is written as `<uuid>.part`, fsynced, then renamed to `<uuid>`; the adapter records the row
// only after that. A crash mid-upload therefore leaves at most a `.part` (never acknowledged) or an
// unreferenced `<uuid>` (acknowledgement not yet committed), both of which `sweep` removes.

const PART_SUFFIX = '.part';
const BLOB_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface WrittenBlob {
  /** The blob's name (a UUID), also used as the file's identifier. */
  name: string;
  /** Plain bytes, before any cipher. */
  size: number;
}

export interface WriteBlobOptions {
  maxBytes: number;
  signal?: AbortSignal;
}

class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return callback(new FileTooLargeError(this.maxBytes));
    callback(null, chunk);
  }
}

export class BlobStore {
  constructor(
    private readonly dir: string,
    private readonly cipher?: BlobCipher,
  ) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /**
   * Streams `content` into a new blob. At `maxBytes` plain bytes it stops reading, destroys `content`
   * (stream.pipeline does), deletes the partial file and throws FileTooLargeError.
   */
  async write(content: Readable, options: WriteBlobOptions): Promise<WrittenBlob> {
    const name = randomId();
    const partPath = this.path(name) + PART_SUFFIX;
    const limit = new ByteLimit(options.maxBytes);
    try {
      // `flush` fsyncs before the descriptor closes, so the bytes are on disk before the rename.
      const sink = createWriteStream(partPath, { flags: 'wx', flush: true });
      const stages = this.cipher ? [content, limit, this.cipher.encrypt(), sink] as const : [content, limit, sink] as const;
      await pipeline([...stages], { signal: options.signal });
      await rename(partPath, this.path(name));
      await this.syncDir();
      return { name, size: limit.bytes };
    } catch (err) {
      await unlink(partPath).catch(() => undefined);
      throw err;
    }
  }

  /** A fresh stream of the blob's plain bytes; a missing blob surfaces as the stream's error. */
  open(name: string): Readable {
    const source = createReadStream(this.path(name));
    if (!this.cipher) return source;
    const plain = new PassThrough();
    pipelineCallback(source, this.cipher.decrypt(), plain, (err) => {
      if (err) plain.destroy(err);
    });
    return plain;
  }

  /** Deletes blobs; one that is already gone is not an error. */
  async remove(names: readonly string[]): Promise<void> {
    for (const name of names) {
      await unlink(this.path(name)).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
  }

  /**
   * Deletes every `.part` file and every blob `isReferenced` does not know. Only safe while no other
   * process writes to this directory (the embedded store owns its directory).
   */
  async sweep(isReferenced: (name: string) => boolean): Promise<string[]> {
    const removed: string[] = [];
    for (const entry of await readdir(this.dir)) {
      const base = entry.endsWith(PART_SUFFIX) ? entry.slice(0, -PART_SUFFIX.length) : entry;
      if (!BLOB_NAME.test(base)) continue;
      if (entry === base && isReferenced(base)) continue;
      await unlink(join(this.dir, entry)).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
      removed.push(entry);
    }
    return removed;
  }

  private path(name: string): string {
    // Names come from our own rows; the check keeps a corrupted row from pointing outside the directory.
    if (!BLOB_NAME.test(name)) throw new TypeError(`not a blob name: ${name}`);
    return join(this.dir, name);
  }

  // The rename is durable only once the directory entry is on disk.
  private async syncDir(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
