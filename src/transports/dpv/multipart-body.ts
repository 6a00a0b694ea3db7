import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { FileSizeMismatchError } from './errors.js';

// A streamed multipart/form-data body (RFC 7578) with a known length: the form fields as text/plain
// parts, each file as an application/octet-stream part read from its stream while the request goes out
// (transports notes §5.2; CONTRACT.md §9.5). The length is summed up front from the file sizes, so the
// request carries a Content-Length; a file that turns out longer or shorter fails the body.

export interface FormField {
  name: string;
  value: string;
}

export interface FormFile {
  /** The part name, e.g. `attachments`. */
  name: string;
  filename: string;
  /** Exact size in bytes of what `open` yields. */
  size: number;
  open(): Readable;
}

export interface MultipartBody {
  contentType: string;
  contentLength: number;
  /** A fresh stream of the body; call once per request. */
  stream(): Readable;
}

const CRLF = '\r\n';

export function multipartBody(fields: readonly FormField[], files: readonly FormFile[]): MultipartBody {
  const boundary = `efm-${randomBytes(16).toString('hex')}`;
  const fieldParts = fields.map((f) => Buffer.from(
    `--${boundary}${CRLF}Content-Disposition: form-data; name="${quote(f.name)}"${CRLF}` +
    `Content-Type: text/plain; charset=UTF-8${CRLF}${CRLF}${f.value}${CRLF}`, 'utf8'));
  const fileHeads = files.map((f) => Buffer.from(
    `--${boundary}${CRLF}Content-Disposition: form-data; name="${quote(f.name)}"; filename="${quote(f.filename)}"${CRLF}` +
    `Content-Type: application/octet-stream${CRLF}${CRLF}`, 'utf8'));
  const closing = Buffer.from(`--${boundary}--${CRLF}`, 'utf8');
  const tail = Buffer.from(CRLF, 'utf8');
  const contentLength = sum(fieldParts.map((p) => p.length)) + sum(fileHeads.map((h) => h.length)) +
    sum(files.map((f) => f.size + tail.length)) + closing.length;

  async function* chunks(): AsyncGenerator<Buffer> {
    yield* fieldParts;
    for (const [index, file] of files.entries()) {
      yield fileHeads[index] ?? Buffer.alloc(0);
      yield* exactly(file);
      yield tail;
    }
    yield closing;
  }

  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength,
    stream: () => Readable.from(chunks(), { objectMode: false }),
  };
}

async function* exactly(file: FormFile): AsyncGenerator<Buffer> {
  const source = file.open();
  let bytes = 0;
  try {
    for await (const chunk of source) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      bytes += buffer.length;
      if (bytes > file.size) throw new FileSizeMismatchError(file.filename, file.size, bytes);
      yield buffer;
    }
  } finally {
    source.destroy();
  }
  if (bytes !== file.size) throw new FileSizeMismatchError(file.filename, file.size, bytes);
}

/** Quotes and line breaks would end the header value; they go percent-encoded, as browsers send them. */
function quote(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
