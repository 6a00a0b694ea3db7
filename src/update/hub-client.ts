import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { loadUndici } from '../http/index.js';
import { ArchiveTooLargeError, HubUnavailableError, ReleaseRefusedError } from './errors.js';

// The updater's only outbound HTTP: the feed, the small .sha256/.asc files and the archive. Redirects are
// followed, as the reference does for GitHub's object storage (ops notes §1.3). Transport failures and
// non-2xx answers become HubUnavailableError, so the next scheduled check simply tries again.
export interface HubClientOptions {
  connectTimeoutMs: number;
  /** Longest wait for headers and between two body chunks. */
  readTimeoutMs: number;
}

export interface DownloadResult {
  bytes: number;
  sha256: string;
}

export interface HubClient {
  fetchText(url: string, maxBytes: number): Promise<string>;
  /** Streams `url` to `dest` (through `dest.part` and a rename), hashing it on the way. */
  download(url: string, dest: string, maxBytes: number): Promise<DownloadResult>;
  close(): Promise<void>;
}

const MAX_REDIRECTIONS = 5;

export async function createHubClient(o: HubClientOptions): Promise<HubClient> {
  const { Agent, interceptors, request } = await loadUndici();
  const agent = new Agent({ connect: { timeout: o.connectTimeoutMs }, headersTimeout: o.readTimeoutMs, bodyTimeout: o.readTimeoutMs });
  const dispatcher: Dispatcher = agent.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS }));

  const open = async (url: string) => {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, { method: 'GET', dispatcher });
    } catch (cause) {
      throw new HubUnavailableError(`the distribution hub did not answer for ${url}: ${describe(cause)}`, cause);
    }
    if (response.statusCode < 200 || response.statusCode > 299) {
      await response.body.dump();
      throw new HubUnavailableError(`the distribution hub answered ${response.statusCode} for ${url}`);
    }
    return response;
  };

  return {
    async fetchText(url, maxBytes) {
      const response = await open(url);
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of response.body) {
          const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
          size += buffer.length;
          if (size > maxBytes) throw new ArchiveTooLargeError(url, maxBytes);
          chunks.push(buffer);
        }
      } catch (cause) {
        response.body.destroy();
        throw translate(url, cause);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    async download(url, dest, maxBytes) {
      const response = await open(url);
      const part = `${dest}.part`;
      const meter = new DigestMeter(url, maxBytes);
      try {
        await pipeline(response.body, meter, createWriteStream(part, { mode: 0o644 }));
        await rename(part, dest);
      } catch (cause) {
        await rm(part, { force: true });
        throw translate(url, cause);
      }
      return { bytes: meter.bytes, sha256: meter.digest() };
    },
    close: () => agent.close(),
  };
}

/** Counts and hashes what passes, and stops the stream past the limit. */
class DigestMeter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');

  constructor(private readonly url: string, private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      done(new ArchiveTooLargeError(this.url, this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

function translate(url: string, cause: unknown): Error {
  if (cause instanceof ReleaseRefusedError || cause instanceof HubUnavailableError) return cause;
  return new HubUnavailableError(`the download of ${url} failed: ${describe(cause)}`, cause);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code} ${error.message}` : error.message;
}
