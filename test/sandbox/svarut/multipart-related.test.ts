import { describe, expect, it } from 'vitest';
import { relatedParts } from '../../../src/sandbox/svarut/multipart-related.js';

// The sandbox's streaming multipart/related reader: the parts and their bytes come out the same however
// the body is cut into chunks, a boundary split across chunks included.

const BOUNDARY = 'uuid:0123456789abcdef';
const BINARY = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
const BODY = Buffer.concat([
  Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/xop+xml\r\nContent-ID: <root>\r\n\r\n<Envelope/>\r\n`),
  Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/octet-stream\r\nContent-ID: <doc-1>\r\n\r\n`),
  BINARY,
  Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
]);

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(size: number): Promise<{ id: string | undefined; body: Buffer }[]> {
  const parts: { id: string | undefined; body: Buffer }[] = [];
  for await (const part of relatedParts(chunked(BODY, size), BOUNDARY)) {
    const chunks: Buffer[] = [];
    for await (const chunk of part.body) chunks.push(chunk);
    parts.push({ id: part.headers.get('content-id'), body: Buffer.concat(chunks) });
  }
  return parts;
}

describe('relatedParts', () => {
  it.each([1, 7, 64, 100_000])('reads the same parts from chunks of %i bytes', async (size) => {
    expect(await readAll(size)).toEqual([{ id: '<root>', body: Buffer.from('<Envelope/>') }, { id: '<doc-1>', body: BINARY }]);
  });

  it('skips what a reader leaves of a part and still reaches the next', async () => {
    const ids: (string | undefined)[] = [];
    for await (const part of relatedParts(chunked(BODY, 50), BOUNDARY)) ids.push(part.headers.get('content-id'));

    expect(ids).toEqual(['<root>', '<doc-1>']);
  });

  it('refuses a body whose last part is never closed', async () => {
    const open = BODY.subarray(0, BODY.length - 30);

    await expect(async () => {
      for await (const part of relatedParts(chunked(open, 64), BOUNDARY)) for await (const chunk of part.body) void chunk;
    }).rejects.toThrow(/not terminated/);
  });
});
