import { createCipheriv, createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';

/** `totalBytes` of incompressible data in 64 KiB chunks, generated as it is read; the same for the same seed. */
export function generatedStream(totalBytes: number, seed = 1): Readable {
  const key = createHash('sha256').update(String(seed)).digest().subarray(0, 16);
  const block = createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(1024 * 1024));
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= totalBytes) {
        this.push(null);
        return;
      }
      const size = Math.min(64 * 1024, totalBytes - sent);
      const offset = sent % block.length;
      const chunk = Buffer.from(block.subarray(offset, Math.min(offset + size, block.length)));
      // Vary each pass over the block so no two MiB are alike.
      chunk.writeUInt32BE(sent >>> 0, 0);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

/** A sink that keeps only the SHA-256 and the length of what it receives. */
export function hashingSink(): Writable & { digest(): string; bytes(): number } {
  const hash = createHash('sha256');
  let count = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      count += chunk.length;
      callback();
    },
  });
  return Object.assign(sink, { digest: () => hash.copy().digest('hex'), bytes: () => count });
}

/** Samples RSS while `work` runs; returns how far the peak rose above the starting point. */
export async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthBytes: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthBytes: peak - start };
  } finally {
    clearInterval(timer);
  }
}
