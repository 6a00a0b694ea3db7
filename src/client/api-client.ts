import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, Transform } from 'node:stream';

// A small client of our own next-move API, for the `efm send` and `efm status` commands. It talks HTTP
// like any case system would: nothing here reaches into the daemon.
export interface ApiClientOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:9093/api */
  baseUrl: string;
  username?: string;
  password?: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly body: string, what: string) {
    super(`${what} failed: HTTP ${status}${describeBody(body)}`);
    this.name = 'ApiError';
  }
}

function describeBody(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'message' in parsed) return `: ${String(parsed.message)}`;
  } catch {
    // not JSON: show the start of it
  }
  return body ? `: ${body.slice(0, 200)}` : '';
}

export interface StatusEntry {
  id: number;
  lastUpdate: string;
  status: string;
  description?: string;
}

export interface UploadProgress {
  filename: string;
  sentBytes: number;
  totalBytes: number;
}

export class ApiClient {
  private readonly base: string;
  private readonly auth?: string;

  constructor(o: ApiClientOptions) {
    this.base = o.baseUrl.replace(/\/+$/, '');
    if (o.username !== undefined && o.password !== undefined) this.auth = `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.auth ? { authorization: this.auth, ...extra } : extra;
  }

  private async call(what: string, path: string, init: RequestInit & { duplex?: 'half' } = {}): Promise<Response> {
    const res = await fetch(`${this.base}${path}`, { ...init, headers: this.headers(init.headers as Record<string, string> | undefined) });
    if (!res.ok) throw new ApiError(res.status, await res.text(), what);
    return res;
  }

  async createMessage(sbd: unknown): Promise<Record<string, unknown>> {
    const res = await this.call('create', '/messages/out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sbd) });
    return (await res.json()) as Record<string, unknown>;
  }

  /** Streams a file from disk; `onProgress` is called as bytes leave. */
  async uploadFile(messageId: string, file: { path: string; title?: string; mimetype: string }, onProgress?: (p: UploadProgress) => void): Promise<void> {
    const filename = basename(file.path);
    const totalBytes = (await stat(file.path)).size;
    let sentBytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sentBytes += chunk.length;
        onProgress?.({ filename, sentBytes, totalBytes });
        done(null, chunk);
      },
    });
    const body = Readable.toWeb(createReadStream(file.path).pipe(counter)) as ReadableStream<Uint8Array>;
    const title = (file.title ?? filename).replace(/["\\]/g, "'");
    // RFC 6266: a plain quoted filename for printable ASCII, the RFC 5987 form otherwise.
    const name = /^[\x20-\x7e]*$/.test(filename) && !/["\\]/.test(filename) ? `filename="${filename}"` : `filename*=UTF-8''${encodeURIComponent(filename)}`;
    const disposition = /^[\x20-\x7e]*$/.test(title) ? `attachment; name="${title}"; ${name}` : `attachment; name*=UTF-8''${encodeURIComponent(title)}; ${name}`;
    await this.call(`upload of ${filename}`, `/messages/out/${encodeURIComponent(messageId)}`, {
      method: 'PUT', body, duplex: 'half',
      headers: { 'content-type': file.mimetype, 'content-disposition': disposition, 'content-length': String(totalBytes) },
    });
  }

  async send(messageId: string): Promise<void> {
    await this.call('send', `/messages/out/${encodeURIComponent(messageId)}`, { method: 'POST' });
  }

  async statuses(messageId: string): Promise<StatusEntry[]> {
    const res = await this.call('status lookup', `/statuses?messageId=${encodeURIComponent(messageId)}&size=100`);
    const page = (await res.json()) as { content?: StatusEntry[] };
    return page.content ?? [];
  }
}
