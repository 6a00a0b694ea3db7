import busboy from 'busboy';
import { Router, type Request, type RequestHandler } from 'express';
import { ValidationError } from '../../domain/errors.js';
import type { FileToValidate, MessageValidation } from '../../messages/validation.js';
import { sendJson } from '../json.js';
import type { MultipartLimits } from './multipart.js';

export type Validation = Pick<MessageValidation, 'validate'>;

// POST /api/validation: the dry run (beyond the reference; a path no reference route can shadow). A JSON
// body is an SBD alone; multipart/form-data carries the part `sbd` first, then the files, which are read
// once as they stream by and never stored.
class ValidationRequestError extends ValidationError {
  constructor(message: string) {
    super(message, { code: 'EFM_INVALID_VALIDATION_REQUEST' });
  }
}

const NO_FILES: AsyncIterable<FileToValidate> = { async *[Symbol.asyncIterator]() { /* none */ } };

/** Hands busboy's file parts to the validator one at a time; the parser waits while a part is read. */
async function validateMultipart(req: Request, validation: Validation, limits: MultipartLimits) {
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: req.headers, limits: { files: limits.maxFiles, fieldSize: limits.sbdMaxBytes, fields: 1 } });
  } catch (err) {
    // busboy refuses a Content-Type it cannot use (no boundary) by throwing here.
    throw new ValidationRequestError(`The multipart request could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  const queue: (FileToValidate | null)[] = [];
  let wake: (() => void) | undefined;
  const push = (item: FileToValidate | null) => {
    queue.push(item);
    wake?.();
  };
  let sbdText: string | undefined;
  let sawSbd = false;
  let failure: Error | undefined;
  const sbdReady = new Promise<void>((resolve) => {
    bb.on('field', (name, value) => {
      if (name !== 'sbd' || sawSbd) return;
      sawSbd = true;
      sbdText = value;
      resolve();
    });
    bb.on('file', (name, stream, info) => {
      if (name === 'sbd' && !sawSbd) {
        sawSbd = true;
        // The reference also takes the SBD as a file part of type application/json (api notes §2.5).
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= limits.sbdMaxBytes) chunks.push(c);
        });
        stream.on('end', () => {
          if (size > limits.sbdMaxBytes) failure ??= new ValidationRequestError(`The sbd part exceeds ${limits.sbdMaxBytes} bytes`);
          else sbdText = Buffer.concat(chunks).toString('utf8');
          resolve();
        });
        return;
      }
      if (!sawSbd) {
        failure ??= new ValidationRequestError('The part named sbd must come before the file parts');
        stream.resume();
        resolve();
        return;
      }
      push({ filename: info.filename ?? '', title: name, mimetype: info.mimeType, content: stream });
    });
    bb.on('close', () => {
      resolve();
      push(null);
    });
    bb.on('error', (err) => {
      failure ??= new ValidationRequestError(`The multipart request could not be read: ${err instanceof Error ? err.message : String(err)}`);
      resolve();
      push(null);
    });
  });
  req.pipe(bb);
  await sbdReady;
  if (failure) {
    req.resume();
    throw failure;
  }
  if (sbdText === undefined) throw new ValidationRequestError('The multipart request must contain a part named sbd');
  let body: unknown;
  try {
    body = JSON.parse(sbdText);
  } catch {
    req.resume();
    throw new ValidationRequestError('The sbd part is not valid JSON');
  }
  const files: AsyncIterable<FileToValidate> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (queue.length === 0) await new Promise<void>((r) => { wake = r; });
        const next = queue.shift();
        if (!next) return;
        yield next;
      }
    },
  };
  return validation.validate(body, files);
}

export function validationRouter(validation: Validation, json: RequestHandler, limits: MultipartLimits): Router {
  const r = Router();
  r.post('/validation', async (req, res, next) => {
    if ((req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) {
      sendJson(res, await validateMultipart(req, validation, limits));
      return;
    }
    next();
  }, json, async (req, res) => {
    if (req.body === undefined) throw new ValidationRequestError('Send the SBD as application/json, or multipart/form-data with a part named sbd');
    sendJson(res, await validation.validate(req.body, NO_FILES));
  });
  return r;
}
