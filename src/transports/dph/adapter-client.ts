import { rm } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import { loadUndici } from '../../http/index.js';
import { DphAdapterRefusedError, DphAdapterUnavailableError } from './errors.js';
import { MultipartAnswerError, readIncomingParts, type IncomingParts } from './multipart-answer.js';
import type { MultipartBody } from '../../http/multipart-body.js';

// Digdir's nhn-adapter REST API (transports notes §5.6): send with `POST /messages/out`, the statuses of
// a sent message, the incoming messages of a HER id, their download and their read mark. Every call
// carries a Maskinporten bearer token. The reads are retried at once a few times on a failure a later
// try may get past, as the reference's client does; the send is not (a second POST could mean a second
// message), its retry is the outbox's.

/** One receiver's state of a sent message (the adapter's MessageStatus, enums by constant name). */
export interface AdapterStatus {
  receiverHerId: number;
  transportStatus: string;
  /** Absent or null until the receiver's application receipt has come. */
  apprecStatus?: string | null;
}

/** An incoming message or application receipt waiting for a HER id. */
export interface AdapterIncoming {
  id: string;
  receiverHerId: number;
  senderHerId: number;
  businessDocumentId: string;
  businessDocumentDate?: string;
  isAppRec: boolean;
}

export interface AdapterClient {
  /** Hands a message over; resolves to the NHN message id. */
  send(body: MultipartBody, token: string, signal: AbortSignal): Promise<string>;
  statuses(nhnId: string, token: string, signal: AbortSignal): Promise<AdapterStatus[]>;
  incoming(herId: string, token: string, signal: AbortSignal): Promise<AdapterIncoming[]>;
  /** Downloads one incoming message; its dokumentpakke goes to `spool.path`. */
  fetch(request: string, token: string, spool: { path: string; maxBytes: number }, signal: AbortSignal): Promise<IncomingParts>;
  /** Marks an incoming message read; one the adapter no longer has counts as read. */
  markRead(id: string, herId: string, token: string, signal: AbortSignal): Promise<void>;
}

export interface AdapterClientOptions {
  /** `difi.move.dph.uri`, e.g. https://test.eformidling.no/nhn-adapter/api. */
  baseUrl: string;
  readTimeoutMs: number;
  dispatcher: () => Promise<Dispatcher>;
}

const DEFAULTS = {
  /** Extra tries of a read after a failure a later try may get past (the reference's `retry(3)`). */
  readRetries: 3,
  errorBodyChars: 500,
};
/** Statuses a later try may get past. */
const RETRYABLE = new Set([408, 429]);

interface Request {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  token: string;
  accept: string;
  signal: AbortSignal;
  body?: MultipartBody | { contentType: string; text: string };
}

export function createAdapterClient(options: AdapterClientOptions): AdapterClient {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function open(request: Request): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { authorization: `Bearer ${request.token}`, accept: request.accept };
    const body = request.body;
    if (body !== undefined) headers['content-type'] = body.contentType;
    if (body !== undefined && 'length' in body) headers['content-length'] = String(body.length);
    let response: Dispatcher.ResponseData;
    try {
      const { request: send } = await loadUndici();
      response = await send(`${base}${request.path}`, {
        method: request.method,
        headers,
        body: body === undefined ? undefined : 'text' in body ? body.text : body.stream(),
        signal: request.signal,
        headersTimeout: options.readTimeoutMs,
        bodyTimeout: options.readTimeoutMs,
        dispatcher: await options.dispatcher(),
      });
    } catch (cause) {
      if (request.signal.aborted) throw cause;
      throw new DphAdapterUnavailableError(`the nhn-adapter did not answer ${request.operation}`, cause);
    }
    if (response.statusCode >= 500 || RETRYABLE.has(response.statusCode)) {
      await response.body.dump();
      throw new DphAdapterUnavailableError(`the nhn-adapter answered ${response.statusCode} to ${request.operation}`);
    }
    return response;
  }

  async function text(response: Dispatcher.ResponseData, operation: string, signal: AbortSignal): Promise<string> {
    try {
      return await response.body.text();
    } catch (cause) {
      if (signal.aborted) throw cause;
      throw new DphAdapterUnavailableError(`the nhn-adapter's answer to ${operation} broke off`, cause);
    }
  }

  /** A 4xx as DphAdapterRefusedError; what may pass is returned as its body text. */
  async function call(request: Request, accepted: (status: number) => boolean): Promise<{ status: number; body: string }> {
    const response = await open(request);
    const body = await text(response, request.operation, request.signal);
    if (!accepted(response.statusCode)) throw new DphAdapterRefusedError(request.operation, response.statusCode, body.slice(0, DEFAULTS.errorBodyChars));
    return { status: response.statusCode, body };
  }

  const is2xx = (status: number): boolean => status >= 200 && status < 300;

  return {
    async send(body, token, signal) {
      const operation = 'the message';
      const answer = await call({ operation, method: 'POST', path: '/messages/out', token, accept: 'text/plain', signal, body }, is2xx);
      const nhnId = answer.body.trim();
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(nhnId)) {
        throw new DphAdapterUnavailableError('the nhn-adapter took the message but answered with no message id');
      }
      return nhnId;
    },
    statuses(nhnId, token, signal) {
      const operation = `the status query of ${nhnId}`;
      return retried(signal, async () => {
        const answer = await call({ operation, method: 'GET', path: `/messages/out/${encodeURIComponent(nhnId)}/statuses`, token, accept: 'application/json', signal }, is2xx);
        return jsonArray(answer.body, operation).filter(isStatus);
      });
    },
    incoming(herId, token, signal) {
      const operation = `the list of incoming messages for her-id:${herId}`;
      return retried(signal, async () => {
        const answer = await call({ operation, method: 'GET', path: `/messages/in?receiverHerId=${encodeURIComponent(herId)}`, token, accept: 'application/json', signal }, is2xx);
        return jsonArray(answer.body, operation).filter(isIncoming);
      });
    },
    fetch(request, token, spool, signal) {
      const operation = 'the download of an incoming message';
      return retried(signal, async () => {
        const response = await open({ operation, method: 'POST', path: '/messages/in', token, accept: 'multipart/mixed', signal, body: { contentType: 'application/jose', text: request } });
        if (!is2xx(response.statusCode)) {
          const body = await text(response, operation, signal);
          throw new DphAdapterRefusedError(operation, response.statusCode, body.slice(0, DEFAULTS.errorBodyChars));
        }
        try {
          return await readIncomingParts(response.body, { contentType: String(response.headers['content-type'] ?? ''), path: spool.path, maxDokumentpakkeBytes: spool.maxBytes });
        } catch (error) {
          await rm(spool.path, { force: true });
          if (error instanceof MultipartAnswerError || signal.aborted) throw error;
          throw new DphAdapterUnavailableError(`the nhn-adapter's answer to ${operation} broke off`, error);
        }
      });
    },
    async markRead(id, herId, token, signal) {
      const operation = `the read mark of ${id}`;
      await retried(signal, () => call({
        operation, method: 'POST', path: `/messages/in/${encodeURIComponent(id)}/read?receiverHerId=${encodeURIComponent(herId)}`, token, accept: '*/*', signal,
      }, (status) => is2xx(status) || status === 404));
    },
  };
}

async function retried<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof DphAdapterUnavailableError) || attempt >= DEFAULTS.readRetries || signal.aborted) throw error;
    }
  }
}

function jsonArray(text: string, operation: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DphAdapterUnavailableError(`the nhn-adapter answered ${operation} with no JSON`, cause);
  }
  if (!Array.isArray(json)) throw new DphAdapterUnavailableError(`the nhn-adapter answered ${operation} with no JSON array`);
  return json;
}

function isStatus(value: unknown): value is AdapterStatus {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.transportStatus === 'string' && (v.apprecStatus === undefined || v.apprecStatus === null || typeof v.apprecStatus === 'string');
}

function isIncoming(value: unknown): value is AdapterIncoming {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.receiverHerId === 'number' && typeof v.senderHerId === 'number'
    && typeof v.businessDocumentId === 'string' && typeof v.isAppRec === 'boolean';
}
