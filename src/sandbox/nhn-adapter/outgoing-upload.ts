import busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';

// Reads the nhn-adapter's `POST /messages/out` body: the `forretningsmelding` JWE (small, kept in memory)
// and the optional `dokumentpakke` CMS, streamed to a file, so an 18 MB message costs the fake no memory.

export interface UploadedPart {
  contentType: string;
  filename: string | undefined;
}

export interface OutgoingUpload {
  forretningsmelding?: UploadedPart & { text: string };
  dokumentpakke?: UploadedPart & { path: string };
}

/** What the fake answers a request it refuses with. */
export class Refusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'Refusal';
  }
}

const MAX_JWE_BYTES = 4 * 1024 * 1024;

export function readOutgoingUpload(req: IncomingMessage, cmsPath: string): Promise<OutgoingUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8' });
    } catch (error) {
      req.resume();
      reject(new Refusal(415, `not a multipart/form-data request: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    const upload: OutgoingUpload = {};
    let failure: Error | undefined;
    const pending: Promise<void>[] = [];
    const track = (work: Promise<void>): void => {
      pending.push(work.catch((error: unknown) => { failure ??= error instanceof Error ? error : new Error(String(error)); }));
    };
    parser.on('file', (name, stream, info) => {
      const part = { contentType: info.mimeType, filename: info.filename };
      if (name === 'forretningsmelding') track(readText(stream).then((text) => { upload.forretningsmelding = { ...part, text }; }));
      else if (name === 'dokumentpakke') track(pipeline(stream, createWriteStream(cmsPath)).then(() => { upload.dokumentpakke = { ...part, path: cmsPath }; }));
      else stream.resume();
    });
    parser.on('error', (error) => reject(new Refusal(400, `unreadable multipart body: ${error instanceof Error ? error.message : String(error)}`)));
    parser.on('close', () => {
      void Promise.all(pending).then(() => (failure === undefined ? resolve(upload) : reject(failure)));
    });
    req.pipe(parser);
  });
}

async function readText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buffer.length;
    if (size <= MAX_JWE_BYTES) chunks.push(buffer);
  }
  if (size > MAX_JWE_BYTES) throw new Refusal(413, `the forretningsmelding is larger than ${MAX_JWE_BYTES} bytes`);
  return Buffer.concat(chunks).toString('utf8');
}
