import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Runs `data` through a transform, in chunks of `chunkBytes`, and collects what comes out. */
export async function through(transform: Transform, data: Buffer, chunkBytes = 64 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkBytes) pieces.push(data.subarray(i, i + chunkBytes));
  await pipeline(Readable.from(pieces), transform, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}
