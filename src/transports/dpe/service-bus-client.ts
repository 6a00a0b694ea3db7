import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Clock } from '../../clock/index.js';
import { loadUndici } from '../../http/index.js';
import { ServiceBusRefusedError, ServiceBusUnavailableError } from './errors.js';
import { sasAuthorization, type SasKeySource } from './sas-token.js';

// The Service Bus REST calls DPE makes (transports notes §5.5): send to a queue, peek-lock the head of
// our queue, delete a locked message. Each request carries a fresh SAS authorization for its own URL; a
// 401 makes the key source forget its key first.

export interface ServiceBusClientOptions {
  /** `https://{namespace}` (or `http://` for a local fake). */
  baseUrl: string;
  keyName: string;
  sasKey: SasKeySource;
  clock: Clock;
  /** Connect, request and response timeout (the reference uses one value for all three). */
  timeoutMs: number;
  dispatcher: () => Promise<Dispatcher>;
}

export interface LockedMessage {
  messageId: string;
  lockToken: string;
  /** The payload; undefined when it was larger than the reader's cap (it is still locked). */
  body: Buffer | undefined;
}

export interface ServiceBusClient {
  /** Sends the body file to the queue; `messageId` lets a queue with duplicate detection drop a resend. */
  send(queue: string, body: { path: string; size: number }, messageId: string, signal: AbortSignal): Promise<void>;
  /** Locks and returns the message at the head of the queue; undefined when there is none. */
  peekLock(queue: string, maxBytes: number, signal: AbortSignal): Promise<LockedMessage | undefined>;
  /** Completes a locked message; false when the lock was lost (the message comes again). */
  delete(queue: string, message: LockedMessage, signal: AbortSignal): Promise<boolean>;
}

interface Call {
  operation: string;
  method: 'POST' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: Readable;
  signal: AbortSignal;
}

/** Answers to a peek-lock that mean an empty queue: 204 (Azure) and 404 (the reference's test double). */
const EMPTY = new Set([204, 404]);
/** Answers to a delete that mean the lock was lost or the message already gone. */
const LOCK_LOST = new Set([404, 410]);

export function createServiceBusClient(options: ServiceBusClientOptions): ServiceBusClient {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function call(c: Call): Promise<Dispatcher.ResponseData> {
    const url = base + c.path;
    const authorization = sasAuthorization({ resourceUri: url, keyName: options.keyName, key: await options.sasKey.key(), now: options.clock.now() });
    try {
      const { request } = await loadUndici();
      return await request(url, {
        method: c.method,
        headers: { authorization, ...c.headers },
        body: c.body,
        signal: c.signal,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        dispatcher: await options.dispatcher(),
      });
    } catch (cause) {
      if (c.signal.aborted) throw cause;
      throw new ServiceBusUnavailableError(`the Service Bus did not answer ${c.operation}: ${describe(cause)}`, cause);
    }
  }

  async function refusal(response: Dispatcher.ResponseData, operation: string): Promise<Error> {
    const text = (await response.body.text().catch(() => '')).trim().slice(0, 300);
    const status = response.statusCode;
    if (status >= 500 || status === 408 || status === 429) return new ServiceBusUnavailableError(`the Service Bus answered ${operation} with ${status}`);
    if (status === 401) options.sasKey.invalidate();
    return new ServiceBusRefusedError(operation, status, text === '' ? undefined : text);
  }

  return {
    async send(queue, body, messageId, signal) {
      const response = await call({
        operation: `send to ${queue}`, method: 'POST', path: `/${encodeURIComponent(queue)}/messages`, signal,
        headers: {
          'content-type': 'application/json',
          'content-length': String(body.size),
          brokerproperties: JSON.stringify({ MessageId: messageId }),
        },
        body: createReadStream(body.path),
      });
      if (response.statusCode >= 400) throw await refusal(response, `send to ${queue}`);
      await response.body.dump();
    },

    async peekLock(queue, maxBytes, signal) {
      const response = await call({ operation: `peek-lock ${queue}`, method: 'POST', path: `/${encodeURIComponent(queue)}/messages/head`, signal, headers: { 'content-length': '0' } });
      if (EMPTY.has(response.statusCode)) {
        await response.body.dump();
        return undefined;
      }
      if (response.statusCode >= 400) throw await refusal(response, `peek-lock ${queue}`);
      const { messageId, lockToken } = brokerPropertiesOf(response.headers.brokerproperties);
      return { messageId, lockToken, body: await readCapped(response, maxBytes) };
    },

    async delete(queue, message, signal) {
      const path = `/${encodeURIComponent(queue)}/messages/${encodeURIComponent(message.messageId)}/${encodeURIComponent(message.lockToken)}`;
      const response = await call({ operation: `delete from ${queue}`, method: 'DELETE', path, signal });
      if (LOCK_LOST.has(response.statusCode)) {
        await response.body.dump();
        return false;
      }
      if (response.statusCode >= 400) throw await refusal(response, `delete from ${queue}`);
      await response.body.dump();
      return true;
    },
  };
}

/** The `BrokerProperties` header: JSON with the MessageId and LockToken the delete needs. */
function brokerPropertiesOf(header: string | string[] | undefined): { messageId: string; lockToken: string } {
  const text = Array.isArray(header) ? header[0] : header;
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch (cause) {
    throw new ServiceBusUnavailableError('the Service Bus answered peek-lock without readable BrokerProperties', cause);
  }
  const member = (name: string): unknown => (typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined);
  const messageId = member('MessageId');
  const lockToken = member('LockToken');
  if ((typeof messageId !== 'string' && typeof messageId !== 'number') || typeof lockToken !== 'string') {
    throw new ServiceBusUnavailableError('the Service Bus answered peek-lock without MessageId and LockToken');
  }
  return { messageId: String(messageId), lockToken };
}

/** The whole body, or undefined once it passes `maxBytes` (the rest is not read). */
async function readCapped(response: Dispatcher.ResponseData, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    bytes += buffer.length;
    if (bytes > maxBytes) {
      response.body.destroy();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code} ${error.message}` : error.message;
}
