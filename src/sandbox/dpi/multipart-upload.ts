import busboy from 'busboy';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// Reads corner 2's `POST /messages/out` body: the `forretningsmelding` JWS (small, kept in memory) and
// the `dokumentpakke` CMS, streamed to a file and hashed on the way, so a 50 MB letter costs the fake no
// memory either.

export interface UploadedPart {
  contentType: string;
  filename: string | undefined;
}

export interface DpiUpload {
  forretningsmelding?: UploadedPart & { text: string };
  dokumentpakke?: UploadedPart & { path: string; size: number; sha256: string };
  /** Names of parts other than the two above. */
  others: string[];
}

export class UploadReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadReadError';
  }
}

const MAX_JWS_BYTES = 1024 * 1024;

export function readDpiUpload(req: IncomingMessage, cmsPath: string): Promise<DpiUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fieldSize: MAX_JWS_BYTES }, defParamCharset: 'utf8' });
    } catch (error) {
      reject(new UploadReadError(`not a multipart/form-data request: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    const upload: DpiUpload = { others: [] };
    const pending: Promise<void>[] = [];
    parser.on('field', (name) => upload.others.push(name));
    parser.on('file', (name, stream, info) => {
      const part = { contentType: info.mimeType, filename: info.filename };
      if (name === 'forretningsmelding') pending.push(readText(stream).then((text) => { upload.forretningsmelding = { ...part, text }; }));
      else if (name === 'dokumentpakke') pending.push(writeHashed(stream, cmsPath).then((file) => { upload.dokumentpakke = { ...part, ...file }; }));
      else {
        upload.others.push(name);
        stream.resume();
      }
    });
    parser.on('error', (error) => reject(new UploadReadError(`unreadable multipart body: ${error instanceof Error ? error.message : String(error)}`)));
    parser.on('close', () => { Promise.all(pending).then(() => resolve(upload), reject); });
    req.pipe(parser);
  });
}

async function readText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buffer.length;
    if (size > MAX_JWS_BYTES) throw new UploadReadError(`the forretningsmelding is larger than ${MAX_JWS_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function writeHashed(stream: NodeJS.ReadableStream, path: string): Promise<{ path: string; size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(stream, measure, createWriteStream(path));
  return { path, size, sha256: hash.digest('base64') };
}
