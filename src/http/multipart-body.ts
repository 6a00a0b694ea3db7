import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { randomId } from '../ids/index.js';

// A multipart/form-data body whose file parts stream from disk, with its exact length up front (DPI corner 2
// and the DPH adapter get a Content-Length, and no part is read into memory).

export interface MultipartPart {
  name: string;
  filename: string;
  contentType: string;
  content: Buffer | { path: string; size: number };
}

export interface MultipartBody {
  contentType: string;
  length: number;
  stream(): Readable;
}

const CRLF = '\r\n';

export function multipartBody(parts: readonly MultipartPart[]): MultipartBody {
  const boundary = `efm-${randomId()}`;
  const heads = parts.map((p) => Buffer.from(
    `--${boundary}${CRLF}Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"${CRLF}` +
    `Content-Type: ${p.contentType}${CRLF}${CRLF}`,
  ));
  const tail = Buffer.from(`--${boundary}--${CRLF}`);
  const sizeOf = (p: MultipartPart): number => (Buffer.isBuffer(p.content) ? p.content.length : p.content.size);
  const length = parts.reduce((sum, p, i) => sum + (heads[i]?.length ?? 0) + sizeOf(p) + CRLF.length, tail.length);
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const [i, part] of parts.entries()) {
      yield heads[i] ?? Buffer.alloc(0);
      if (Buffer.isBuffer(part.content)) yield part.content;
      else for await (const chunk of createReadStream(part.content.path)) yield chunk as Buffer;
      yield Buffer.from(CRLF);
    }
    yield tail;
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, length, stream: () => Readable.from(chunks(), { objectMode: false }) };
}
