import type { TestDaemon } from './test-daemon.js';

// Small request helpers for the API tests: the calls every file makes, named after what they do.
export interface ErrorBody {
  timestamp: string;
  status: number;
  error: string;
  exception?: string;
  message: string;
  path: string;
  code: string;
  description?: string;
  correlationId?: string;
  errors?: { field: string; code: string; defaultMessage: string; rejectedValue?: unknown }[];
}

export function postJson(t: TestDaemon, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return t.api(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export function putJson(t: TestDaemon, path: string, body: unknown): Promise<Response> {
  return t.api(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export async function createMessage(t: TestDaemon, sbd: unknown): Promise<Record<string, unknown>> {
  const res = await postJson(t, '/api/messages/out', sbd);
  if (res.status !== 200) throw new Error(`create answered ${res.status}: ${await res.text()}`);
  return await res.json() as Record<string, unknown>;
}

export interface UploadOptions {
  filename: string;
  /** The Content-Disposition `name` (the title). */
  title?: string;
  contentType?: string;
  body: string | Buffer | ReadableStream<Uint8Array>;
  /** Replaces the Content-Disposition header; null leaves it out. */
  disposition?: string | null;
}

export function upload(t: TestDaemon, messageId: string, o: UploadOptions): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': o.contentType ?? 'application/octet-stream' };
  const disposition = o.disposition === undefined
    ? `attachment; name="${o.title ?? 'Dokument'}"; filename="${o.filename}"`
    : o.disposition;
  if (disposition !== null) headers['content-disposition'] = disposition;
  const streamed = typeof o.body !== 'string' && !Buffer.isBuffer(o.body);
  // A stream body needs `duplex: 'half'` in Node's fetch, which RequestInit does not declare.
  const init: RequestInit & { duplex?: 'half' } = { method: 'PUT', headers, body: o.body };
  if (streamed) init.duplex = 'half';
  return t.api(`/api/messages/out/${messageId}`, init);
}

export async function expectUploaded(t: TestDaemon, messageId: string, o: UploadOptions): Promise<void> {
  const res = await upload(t, messageId, o);
  if (res.status !== 200) throw new Error(`upload of ${o.filename} answered ${res.status}: ${await res.text()}`);
}

export async function errorOf(res: Response): Promise<ErrorBody> {
  return await res.json() as ErrorBody;
}

export async function jsonOf<T = Record<string, unknown>>(res: Response): Promise<T> {
  return await res.json() as T;
}

export function send(t: TestDaemon, messageId: string): Promise<Response> {
  return t.api(`/api/messages/out/${messageId}`, { method: 'POST' });
}

/** A PDF-looking file: the magic bytes, then filler. */
export function pdfBytes(size = 1000): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(Math.max(0, size - 9), 0x20)]);
}

export function runJob(t: TestDaemon, name: string): Promise<Response> {
  return t.api(`/manage/jobs/${name}/run`, { method: 'POST' });
}
