import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { loadUndici } from '../../http/index.js';
import { CorrespondenceRefusedError, CorrespondenceUnavailableError } from './errors.js';
import type { MultipartBody } from './multipart-body.js';

// The calls DPV makes to the Altinn 3 correspondence API behind Digdir's proxy (transports notes §5.2;
// openapi/altinn-correspondence-v1.json). Every answer becomes a value or one of our errors here; a 401
// drops the cached token first, so the next try fetches a new one.

const MAX_ERROR_TEXT = 300;

/** An Altinn token for scope `eformidling:dpv` (Maskinporten token exchanged at Altinn, §3.2). */
export interface DpvTokens {
  token(): Promise<string>;
  /** Drops the cached token, e.g. after the API answered 401 to it. */
  invalidate(): void;
}

export interface CorrespondenceClientOptions {
  /** e.g. `https://test.eformidling.no/altinn-proxy/correspondence/api/v1`. */
  baseUrl: string;
  tokens: DpvTokens;
  /** Longest wait for an answer, or between two chunks of a body. */
  requestTimeoutMs: number;
  dispatcher: () => Promise<Dispatcher>;
}

/** The members of CorrespondenceOverviewExt that status polling reads. */
export interface CorrespondenceOverview {
  status?: string;
  statusText?: string;
  published?: string;
  read?: string;
}

export type UploadOutcome = { kind: 'created'; correspondenceId: string } | { kind: 'exists' };

export interface CorrespondenceClient {
  /** `POST /correspondence/upload`; `exists` when the idempotentKey was used before (409). */
  upload(body: MultipartBody, signal: AbortSignal): Promise<UploadOutcome>;
  /** `GET /correspondence?sendersReference=…`: the first id found, if any. */
  findBySendersReference(reference: string, signal: AbortSignal): Promise<string | undefined>;
  /** `GET /correspondence/{id}`; undefined when Altinn no longer has it (404, 410). */
  overview(correspondenceId: string, signal: AbortSignal): Promise<CorrespondenceOverview | undefined>;
}

interface Call {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: Readable;
  signal: AbortSignal;
}

export function createCorrespondenceClient(options: CorrespondenceClientOptions): CorrespondenceClient {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function call(c: Call): Promise<Dispatcher.ResponseData> {
    const token = await options.tokens.token();
    let response: Dispatcher.ResponseData;
    try {
      const { request } = await loadUndici();
      response = await request(base + c.path, {
        method: c.method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...c.headers },
        body: c.body,
        signal: c.signal,
        headersTimeout: options.requestTimeoutMs,
        bodyTimeout: options.requestTimeoutMs,
        dispatcher: await options.dispatcher(),
      });
    } catch (cause) {
      c.body?.destroy();
      if (c.signal.aborted) throw cause;
      throw new CorrespondenceUnavailableError(`Altinn correspondence did not answer ${c.operation}: ${describe(cause)}`, cause);
    }
    if (response.statusCode < 400) return response;
    const text = await response.body.text().catch(() => '');
    const status = response.statusCode;
    if (status >= 500 || status === 408 || status === 429) {
      throw new CorrespondenceUnavailableError(`Altinn correspondence answered ${c.operation} with ${status}`);
    }
    if (status === 401) options.tokens.invalidate();
    throw new CorrespondenceRefusedError(c.operation, status, problemDetail(text));
  }

  return {
    async upload(body, signal) {
      try {
        const response = await call({
          operation: 'upload', method: 'POST', path: '/correspondence/upload', signal, body: body.stream(),
          headers: { 'content-type': body.contentType, 'content-length': String(body.contentLength) },
        });
        const json = await readJson(response, 'upload');
        const id = memberOf(arrayMember(json, 'correspondences')[0], 'correspondenceId');
        if (typeof id !== 'string' || id === '') throw new CorrespondenceUnavailableError('Altinn correspondence answered upload without a correspondenceId');
        return { kind: 'created', correspondenceId: id };
      } catch (error) {
        if (error instanceof CorrespondenceRefusedError && error.status === 409) return { kind: 'exists' };
        throw error;
      }
    },

    async findBySendersReference(reference, signal) {
      const path = `/correspondence?sendersReference=${encodeURIComponent(reference)}`;
      const response = await call({ operation: 'search', method: 'GET', path, signal });
      const first: unknown = arrayMember(await readJson(response, 'search'), 'ids')[0];
      return typeof first === 'string' && first !== '' ? first : undefined;
    },

    async overview(correspondenceId, signal) {
      try {
        const response = await call({ operation: 'overview', method: 'GET', path: `/correspondence/${encodeURIComponent(correspondenceId)}`, signal });
        return toOverview(await readJson(response, 'overview'));
      } catch (error) {
        if (error instanceof CorrespondenceRefusedError && (error.status === 404 || error.status === 410)) return undefined;
        throw error;
      }
    },
  };
}

async function readJson(response: Dispatcher.ResponseData, operation: string): Promise<unknown> {
  const text = await response.body.text();
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CorrespondenceUnavailableError(`Altinn correspondence answered ${operation} with a body that is not JSON`, cause);
  }
}

function memberOf(json: unknown, name: string): unknown {
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined;
}

function arrayMember(json: unknown, name: string): unknown[] {
  const value = memberOf(json, name);
  return Array.isArray(value) ? value : [];
}

function toOverview(json: unknown): CorrespondenceOverview {
  const text = (name: string): string | undefined => {
    const value = memberOf(json, name);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return { status: text('status'), statusText: text('statusText'), published: text('published'), read: text('read') };
}

/** The RFC 7807 `detail` or `title`, or the start of a body that is no problem document. */
function problemDetail(text: string): string | undefined {
  try {
    const json: unknown = JSON.parse(text);
    const detail = memberOf(json, 'detail') ?? memberOf(json, 'title');
    if (typeof detail === 'string') return detail.slice(0, MAX_ERROR_TEXT);
  } catch {
    // Not JSON: the text itself says what went wrong.
  }
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, MAX_ERROR_TEXT);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code} ${error.message}` : error.message;
}
