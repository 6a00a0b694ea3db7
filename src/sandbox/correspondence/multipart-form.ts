import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';

// Reads a multipart/form-data request into its text fields and its files, as the fake correspondence
// API needs them. Sandbox messages are small; each file is kept in memory up to a limit.

export interface FormPart {
  name: string;
  value: string;
  /** The part's declared Content-Type. */
  mimeType: string;
}

export interface FilePart {
  name: string;
  filename: string;
  mimeType: string;
  content: Buffer;
}

export interface ParsedForm {
  fields: FormPart[];
  files: FilePart[];
}

/** The form could not be read: not multipart, broken, or a file over the limit. */
export class FormReadError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'FormReadError';
  }
}

export function readMultipartForm(req: IncomingMessage, maxFileBytes: number): Promise<ParsedForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxFileBytes, fieldSize: 1024 * 1024 }, defParamCharset: 'utf8' });
    } catch (error) {
      reject(new FormReadError(`not a multipart/form-data request: ${error instanceof Error ? error.message : String(error)}`, 415));
      return;
    }
    const form: ParsedForm = { fields: [], files: [] };
    const pending: Promise<void>[] = [];
    parser.on('field', (name, value, info) => form.fields.push({ name, value, mimeType: info.mimeType }));
    parser.on('file', (name, stream, info) => {
      pending.push(new Promise<void>((done, fail) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('limit', () => fail(new FormReadError(`file ${info.filename} is larger than ${maxFileBytes} bytes`, 413)));
        stream.on('error', fail);
        stream.on('end', () => {
          form.files.push({ name, filename: info.filename ?? '', mimeType: info.mimeType, content: Buffer.concat(chunks) });
          done();
        });
      }));
    });
    parser.on('error', (error) => reject(new FormReadError(`unreadable multipart body: ${error instanceof Error ? error.message : String(error)}`, 400)));
    parser.on('close', () => {
      Promise.all(pending).then(() => resolve(form), reject);
    });
    req.pipe(parser);
  });
}
