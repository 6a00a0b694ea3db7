import busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// The adapter's answer to `POST /messages/in` (transports notes §5.6 receive step 2): multipart/mixed
// with the `forretningsmelding` JWE (small, kept in memory) and an optional `dokumentpakke` CMS, which is
// streamed to a spool file with a byte cap. The adapter builds it with Spring's MultipartBodyBuilder,
// whose parts carry form-data dispositions whatever the multipart subtype, so busboy reads it once told
// the body is form-data; the framing is the same.

export interface IncomingParts {
  forretningsmelding: string;
  dokumentpakke?: { path: string; size: number };
}

/** The answer is not the multipart the adapter owes, or a part passed its cap. */
export class MultipartAnswerError extends Error {
  constructor(message: string, readonly isTooLarge = false) {
    super(message);
    this.name = 'MultipartAnswerError';
  }
}

export interface ReadAnswerOptions {
  contentType: string;
  /** Where the dokumentpakke goes. */
  path: string;
  maxDokumentpakkeBytes: number;
}

const MAX_FORRETNINGSMELDING_BYTES = 4 * 1024 * 1024;

export function readIncomingParts(body: Readable, options: ReadAnswerOptions): Promise<IncomingParts> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': asFormData(options.contentType) }, limits: { fieldSize: MAX_FORRETNINGSMELDING_BYTES } });
    } catch (error) {
      body.resume();
      reject(new MultipartAnswerError(`the answer is not multipart: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    let forretningsmelding: string | undefined;
    let dokumentpakke: IncomingParts['dokumentpakke'];
    let failure: Error | undefined;
    // Each part's work notes its own failure at once, so no rejection waits unhandled for the end.
    const pending: Promise<void>[] = [];
    const track = (work: Promise<void>): void => {
      pending.push(work.catch((error: unknown) => { failure ??= error instanceof Error ? error : new Error(String(error)); }));
    };
    parser.on('field', (name, value, info) => {
      if (name !== 'forretningsmelding') return;
      if (info.valueTruncated) failure ??= new MultipartAnswerError('the forretningsmelding is too large', true);
      forretningsmelding = value;
    });
    parser.on('file', (name, stream) => {
      if (name === 'forretningsmelding') track(readText(stream).then((text) => { forretningsmelding = text; }));
      else if (name === 'dokumentpakke') track(spool(stream, options.path, options.maxDokumentpakkeBytes).then((size) => { dokumentpakke = { path: options.path, size }; }));
      else stream.resume();
    });
    let bodyError: unknown;
    // A broken connection is the network's fault, not the answer's: it is handed on as it came.
    parser.on('error', (error) => reject(bodyError ?? new MultipartAnswerError(`unreadable multipart answer: ${error instanceof Error ? error.message : String(error)}`)));
    parser.on('close', () => {
      void Promise.all(pending).then(() => {
        if (failure !== undefined) reject(failure);
        else if (forretningsmelding === undefined) reject(new MultipartAnswerError('the answer has no forretningsmelding part'));
        else resolve(dokumentpakke === undefined ? { forretningsmelding } : { forretningsmelding, dokumentpakke });
      });
    });
    body.on('error', (error) => {
      bodyError = error;
      parser.destroy(error);
    });
    body.pipe(parser);
  });
}

function asFormData(contentType: string): string {
  const match = /^\s*multipart\/[a-z.+-]+(\s*;.*)$/i.exec(contentType);
  if (match?.[1] === undefined) throw new MultipartAnswerError(`the answer is ${contentType || 'untyped'}, not multipart`);
  return `multipart/form-data${match[1]}`;
}

// A part past its cap is read to its end and dropped: busboy waits for every part to be consumed.
async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= MAX_FORRETNINGSMELDING_BYTES) chunks.push(buffer);
  }
  if (size > MAX_FORRETNINGSMELDING_BYTES) throw new MultipartAnswerError('the forretningsmelding is too large', true);
  return Buffer.concat(chunks).toString('utf8');
}

async function spool(stream: Readable, path: string, maxBytes: number): Promise<number> {
  let size = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(null, size > maxBytes ? undefined : chunk);
    },
  });
  await pipeline(stream, cap, createWriteStream(path, { mode: 0o600 }));
  if (size > maxBytes) throw new MultipartAnswerError(`the dokumentpakke is larger than ${maxBytes} bytes`, true);
  return size;
}
