import type { Dispatcher } from 'undici';
import { loadUndici } from '../../http/index.js';
import { DpiCorner2RefusedError, DpiCorner2UnavailableError } from './errors.js';
import type { MultipartBody } from '../../http/multipart-body.js';

// The corner 2 REST API of digital post to citizens (transports notes §5.3): send with
// `POST /messages/out`, the message's statuses, the receipts waiting for us and their confirmation.
// Every call carries a Maskinporten bearer token; undici's and the peer's failures become our errors.

export interface Corner2Status {
  status: string;
  timestamp?: string;
  [extra: string]: unknown;
}

export interface Corner2Message {
  forretningsmelding: string;
  downloadurl?: string;
}

export interface ReceiptQuery {
  kanal: string;
  avsenderidentifikator?: string;
  pageSize: number;
}

export interface Corner2Client {
  send(kanal: string, body: MultipartBody, token: string, signal: AbortSignal): Promise<void>;
  /** The statuses corner 2 has for an outgoing message; undefined when it does not know the message. */
  statuses(messageId: string, token: string, signal: AbortSignal): Promise<Corner2Status[] | undefined>;
  receipts(query: ReceiptQuery, token: string, signal: AbortSignal): Promise<Corner2Message[]>;
  /** Confirms a receipt; one corner 2 no longer knows counts as confirmed (the reference tolerates 404). */
  markAsRead(messageId: string, token: string, signal: AbortSignal): Promise<void>;
}

export interface Corner2ClientOptions {
  /** `difi.move.dpi.uri`, e.g. https://sandbox1.ediex.no/api/v2/dpi. */
  baseUrl: string;
  readTimeoutMs: number;
  dispatcher: () => Promise<Dispatcher>;
}

const ERROR_BODY_CHARS = 500;
/** Statuses a later try may get past. */
const RETRYABLE = new Set([408, 429]);

interface Answer {
  status: number;
  body: string;
}

export function createCorner2Client(options: Corner2ClientOptions): Corner2Client {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function call(operation: string, path: string, init: { method: 'GET' | 'POST'; token: string; signal: AbortSignal; body?: MultipartBody }): Promise<Answer> {
    let answer: Answer;
    try {
      const { request } = await loadUndici();
      const headers: Record<string, string> = { authorization: `Bearer ${init.token}`, accept: 'application/json' };
      if (init.body !== undefined) {
        headers['content-type'] = init.body.contentType;
        headers['content-length'] = String(init.body.length);
      }
      const response = await request(`${base}${path}`, {
        method: init.method,
        headers,
        body: init.body?.stream(),
        signal: init.signal,
        headersTimeout: options.readTimeoutMs,
        bodyTimeout: options.readTimeoutMs,
        dispatcher: await options.dispatcher(),
      });
      answer = { status: response.statusCode, body: await response.body.text() };
    } catch (cause) {
      if (init.signal.aborted) throw cause;
      throw new DpiCorner2UnavailableError(`DPI corner 2 did not answer ${operation}`, cause);
    }
    if (answer.status >= 500 || RETRYABLE.has(answer.status)) throw new DpiCorner2UnavailableError(`DPI corner 2 answered ${answer.status} to ${operation}`);
    return answer;
  }

  const refused = (operation: string, answer: Answer): DpiCorner2RefusedError =>
    new DpiCorner2RefusedError(operation, answer.status, answer.body.slice(0, ERROR_BODY_CHARS));

  return {
    async send(kanal, body, token, signal) {
      const answer = await call('the message', `/messages/out?kanal=${encodeURIComponent(kanal)}`, { method: 'POST', token, signal, body });
      if (answer.status >= 300) throw refused('the message', answer);
    },
    async statuses(messageId, token, signal) {
      const operation = `the status query of ${messageId}`;
      const answer = await call(operation, `/messages/out/${encodeURIComponent(messageId)}/statuses`, { method: 'GET', token, signal });
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw refused(operation, answer);
      return jsonArray(answer.body, operation).filter(isStatus);
    },
    async receipts(query, token, signal) {
      const params = new URLSearchParams();
      if (query.avsenderidentifikator !== undefined) params.set('avsenderidentifikator', query.avsenderidentifikator);
      params.set('kanal', query.kanal);
      params.set('page_size', String(query.pageSize));
      const answer = await call('the receipt query', `/messages/in?${params.toString()}`, { method: 'GET', token, signal });
      if (answer.status !== 200) throw refused('the receipt query', answer);
      return jsonArray(answer.body, 'the receipt query').filter(isMessage);
    },
    async markAsRead(messageId, token, signal) {
      const operation = `the read confirmation of ${messageId}`;
      const answer = await call(operation, `/messages/in/${encodeURIComponent(messageId)}/read`, { method: 'POST', token, signal });
      if (answer.status >= 300 && answer.status !== 404) throw refused(operation, answer);
    },
  };
}

function jsonArray(text: string, operation: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DpiCorner2UnavailableError(`DPI corner 2 answered ${operation} with no JSON`, cause);
  }
  if (!Array.isArray(json)) throw new DpiCorner2UnavailableError(`DPI corner 2 answered ${operation} with no JSON array`);
  return json;
}

function isStatus(value: unknown): value is Corner2Status {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>).status === 'string';
}

function isMessage(value: unknown): value is Corner2Message {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>).forretningsmelding === 'string';
}
