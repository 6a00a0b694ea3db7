import type { Dispatcher } from 'undici';
import { loadUndici } from '../../http/index.js';

export interface PushRequest {
  http: Dispatcher;
  url: string;
  body: string;
  /** Extra headers (the signature); Content-Type is always set here. */
  headers?: Record<string, string>;
  readTimeoutMs: number;
}

export type PushResult = { ok: true; statusCode: number } | { ok: false; statusCode?: number; error: string };

// Receivers answer pushes with small bodies we never look at; past this the connection is dropped.
const MAX_DISCARDED_RESPONSE_BYTES = 64 * 1024;

/**
 * One POST of a JSON body. `Content-Type` is exactly `application/json`, without a charset, as the
 * reference sends it and the conformance harness compares it (CONTRACT.md §7). Any 2xx is success;
 * another status, an invalid URL, a refused connection or a timeout is a failure, never a throw.
 * Redirects are not followed.
 */
export async function pushJson(req: PushRequest): Promise<PushResult> {
  try {
    const { request } = await loadUndici();
    const res = await request(req.url, {
      dispatcher: req.http,
      method: 'POST',
      headers: { ...req.headers, 'content-type': 'application/json' },
      body: Buffer.from(req.body, 'utf8'),
      headersTimeout: req.readTimeoutMs,
      bodyTimeout: req.readTimeoutMs,
    });
    await res.body.dump({ limit: MAX_DISCARDED_RESPONSE_BYTES }).catch(() => undefined);
    if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, statusCode: res.statusCode };
    return { ok: false, statusCode: res.statusCode, error: `HTTP ${res.statusCode}` };
  } catch (e) {
    return { ok: false, error: describeFailure(e) };
  }
}

function describeFailure(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${e.message}` : e.message;
}
