// Fetches the document from the hub. A document is a few kilobytes; an answer far larger than that is
// not one, and is cut off rather than read into memory.
import { loadUndici } from '../http/index.js';
import { CentralConfigUnavailableError } from './errors.js';

const DEFAULTS = { maxBytes: 256 * 1024 } as const;

export type DocumentSource = (signal: AbortSignal) => Promise<string>;

export function httpDocumentSource(o: { url: string; timeoutMs: number; maxBytes?: number }): DocumentSource {
  const maxBytes = o.maxBytes ?? DEFAULTS.maxBytes;
  return async (signal) => {
    const { request } = await loadUndici();
    let res;
    try {
      res = await request(o.url, {
        method: 'GET',
        headers: { accept: 'application/jwt, application/jose, text/plain' },
        signal: AbortSignal.any([signal, AbortSignal.timeout(o.timeoutMs)]),
        headersTimeout: o.timeoutMs,
        bodyTimeout: o.timeoutMs,
      });
    } catch (error) {
      throw new CentralConfigUnavailableError(`the hub did not answer: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new CentralConfigUnavailableError(`the hub answered HTTP ${res.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += bytes.length;
      if (size > maxBytes) {
        res.body.destroy();
        throw new CentralConfigUnavailableError(`the hub's answer is larger than ${maxBytes} bytes; not a configuration document`);
      }
      chunks.push(bytes);
    }
    return Buffer.concat(chunks).toString('utf8');
  };
}
