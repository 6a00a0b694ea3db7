import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { ValidationError } from '../../domain/errors.js';
import type { StandardBusinessDocument } from '../../domain/sbd.js';
import type { OutgoingMessages } from '../../messages/outgoing.js';

// O4, the one-shot multipart send (api notes §2.5): part `sbd` (a field, or a file part of type
// application/json) plus one file part per attachment, each at most 5 MiB. Parts stream straight into the
// store once the message exists; file parts that arrive before the `sbd` part are spooled to a temporary
// file first, since the limits and rules that apply to them depend on the receiver's service.
export interface MultipartLimits {
  /** Per file (`spring.servlet.multipart.max-file-size`, 5 MiB in the reference). */
  fileMaxBytes: number;
  /** The SBD JSON part. */
  sbdMaxBytes: number;
  maxFiles: number;
  /** Where early file parts are spooled. */
  tempDir: string;
}

export class MultipartFileTooLargeError extends ValidationError {
  constructor(filename: string, limit: number) {
    super(`The file ${filename} exceeds the maximum size of ${limit} bytes for a multipart part`, {
      code: 'EFM_MULTIPART_FILE_TOO_LARGE', exception: 'no.difi.meldingsutveksling.exceptions.MultipartFileToLargeException',
    });
  }
}

class MultipartError extends ValidationError {
  constructor(message: string) {
    super(message, { code: 'EFM_INVALID_MULTIPART' });
  }
}

interface FilePart {
  name: string;
  filename: string;
  mimetype: string;
}

async function readSmall(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > limit) throw new MultipartError(`The sbd part exceeds ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseSbd(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new MultipartError('The sbd part is not valid JSON');
  }
}

/** Watches busboy's per-file limit and turns truncation into an error instead of a short file. */
function limited(stream: Readable, part: FilePart, limit: number): Readable {
  const out = new PassThrough();
  stream.on('limit', () => out.destroy(new MultipartFileTooLargeError(part.filename, limit)));
  stream.on('error', (err) => out.destroy(err));
  // Whoever stops reading (a refused upload, an earlier failure), the parser must still get through the
  // rest of the part, or the whole request stalls.
  out.on('close', () => {
    if (!stream.readableEnded) {
      stream.unpipe(out);
      stream.resume();
    }
  });
  stream.pipe(out);
  return out;
}

export async function receiveMultipartMessage(req: Request, outgoing: OutgoingMessages, limits: MultipartLimits): Promise<StandardBusinessDocument> {
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw new MultipartError('The request must be multipart/form-data with a part named sbd');
  }
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: req.headers, limits: { fileSize: limits.fileMaxBytes, files: limits.maxFiles, fieldSize: limits.sbdMaxBytes, fields: 1 } });
  } catch (err) {
    throw new MultipartError(`The multipart request could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }

  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  let sbd: StandardBusinessDocument | undefined;
  let sawSbd = false;
  // The promise, not the path: a second early part can arrive while the first is still making the folder.
  let spoolDir: Promise<string> | undefined;
  let spooled = 0;
  const enqueue = (task: () => Promise<void>, cleanup?: () => void) => {
    chain = chain.then(async () => {
      if (failure === undefined) await task();
    }).catch((err: unknown) => {
      failure ??= err;
    }).finally(cleanup);
  };
  const messageIdOf = (doc: StandardBusinessDocument) => String(doc.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier);
  const upload = (part: FilePart, content: Readable) => {
    if (!sbd) throw new MultipartError('internal: upload before create');
    return outgoing.upload(messageIdOf(sbd), { filename: part.filename, title: part.name, mimetype: part.mimetype, content }).then(() => undefined);
  };
  // File parts that came before the sbd part, spooled in their order; uploaded right after the create.
  const early: { part: FilePart; spool: Promise<string> }[] = [];
  // Marked seen at once, also for a file part still being read, so that later file parts queue behind
  // the create instead of being taken for early ones.
  const onSbd = (text: string | Promise<string>) => {
    if (sawSbd) {
      failure ??= new MultipartError('The multipart request has more than one sbd part');
      return;
    }
    sawSbd = true;
    enqueue(async () => {
      sbd = await outgoing.create(parseSbd(await text));
      for (const e of early.splice(0)) await upload(e.part, createReadStream(await e.spool));
    });
  };

  bb.on('field', (name, value, info) => {
    if (name !== 'sbd') return;
    if (info.valueTruncated) failure ??= new MultipartError(`The sbd part exceeds ${limits.sbdMaxBytes} bytes`);
    else onSbd(value);
  });
  bb.on('file', (name, stream, info) => {
    if (name === 'sbd') {
      const read = readSmall(stream, limits.sbdMaxBytes);
      read.catch(() => undefined);
      onSbd(read);
      return;
    }
    const part: FilePart = { name, filename: info.filename ?? '', mimetype: info.mimeType };
    const content = limited(stream, part, limits.fileMaxBytes);
    if (failure !== undefined) {
      content.destroy();
      return;
    }
    if (sawSbd) {
      enqueue(() => upload(part, content), () => content.destroy());
      return;
    }
    // The sbd part has not come yet: keep this file on disk until it has.
    const spool = (async () => {
      spoolDir ??= mkdtemp(join(limits.tempDir, 'multipart-'));
      const file = join(await spoolDir, String(spooled++));
      await pipeline(content, createWriteStream(file));
      return file;
    })();
    spool.catch(() => undefined);
    early.push({ part, spool });
  });
  bb.on('filesLimit', () => {
    failure ??= new MultipartError(`The multipart request has more than ${limits.maxFiles} files`);
  });

  try {
    await pipeline(req, bb);
  } catch (err) {
    failure ??= err instanceof ValidationError ? err : new MultipartError(`The multipart request could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Everything the parser handed over is queued; wait for it, then send.
  await chain;
  if (failure === undefined && !sawSbd) failure = new MultipartError('The multipart request must contain a part named sbd');
  if (failure === undefined) enqueue(async () => {
    if (sbd) await outgoing.send(messageIdOf(sbd));
  });
  await chain;
  await Promise.allSettled(early.map((e) => e.spool));
  if (spoolDir) await rm(await spoolDir, { recursive: true, force: true });
  if (failure !== undefined) {
    if (sbd) await outgoing.discard(messageIdOf(sbd));
    throw failure;
  }
  if (!sbd) throw new MultipartError('The multipart request must contain a part named sbd');
  return sbd;
}
