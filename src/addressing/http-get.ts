import type { Dispatcher } from 'undici';
import { loadUndici } from '../http/index.js';
import { ServiceRegistryUnavailableError } from './errors.js';

// The one outbound GET of this capability. Anything that is not an HTTP answer (refused connection, DNS,
// TLS, timeout, reset) is translated here into our retryable error, so callers see only our types.

export interface HttpGetOptions {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  dispatcher?: Dispatcher;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export async function httpGet(options: HttpGetOptions): Promise<HttpAnswer> {
  try {
    const { request } = await loadUndici();
    const response = await request(options.url, {
      method: 'GET',
      headers: options.headers,
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const body = await response.body.text();
    return { status: response.statusCode, headers: response.headers, body };
  } catch (cause) {
    throw new ServiceRegistryUnavailableError(`Service Registry did not answer: ${describe(cause)}`, { cause });
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code} ${error.message}` : `${error.name} ${error.message}`;
}

/** Seconds from a `Retry-After` header given as delta-seconds; dates and junk are ignored. */
export function retryAfterSeconds(headers: HttpAnswer['headers']): number | undefined {
  const value = headers['retry-after'];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || !/^\d+$/.test(first.trim())) return undefined;
  return Number(first.trim());
}
