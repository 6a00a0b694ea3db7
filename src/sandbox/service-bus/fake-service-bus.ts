import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../clock/index.js';
import { createFailureInjector, type FailureControl } from '../failures.js';
import { QueueState, type QueuedMessage } from './queue-state.js';
import { sasRefusal } from './sas-check.js';

// A local Azure Service Bus namespace for DPE (transports notes §5.5, §8.2): the REST calls the
// integration point makes — send to a queue, peek-lock its head, delete a locked message — with SAS
// signatures checked against the policies it is given, locks that expire by the clock, and duplicate
// detection by MessageId. It can fail on demand, before or after it carried a request out.

export interface FakeServiceBusOptions {
  port?: number;
  host?: string;
  clock?: Clock;
  /** Shared access policies, name → key. Without any, every request is let through unsigned. */
  policies?: Readonly<Record<string, string>>;
  /** How long a peek-lock holds a message; Azure's default is one minute. */
  lockDurationMs?: number;
  maxMessageBytes?: number;
}

export interface FakeServiceBus {
  /** `host:port`, for `efm.dpe.base-url` with `efm.dpe.use-https=false`. */
  namespace: string;
  url: string;
  failures: FailureControl;
  /** The messages on a queue, locked ones included, in order of arrival. */
  messages(queue: string): readonly QueuedMessage[];
  /** Puts a message on a queue as a peer would. */
  enqueue(queue: string, body: Buffer | string, messageId?: string): void;
  /** The next `count` sends are carried out, then their connection is cut before the answer. */
  dropNextAnswers(count: number): void;
  /** Requests refused for their signature, with the reason. */
  readonly refusals: readonly string[];
  clearRefusals(): void;
  close(): Promise<void>;
}

const DEFAULTS = { host: '127.0.0.1', port: 0, lockDurationMs: 60_000, maxMessageBytes: 256 * 1024 * 1024 };
const ROUTE = /^\/([^/]+)\/messages(?:\/(head)|\/([^/]+)\/([^/]+))?$/;

export async function startFakeServiceBus(options: FakeServiceBusOptions = {}): Promise<FakeServiceBus> {
  const clock = options.clock ?? systemClock;
  const state = new QueueState(clock, options.lockDurationMs ?? DEFAULTS.lockDurationMs);
  const failures = createFailureInjector();
  const policies = new Map(Object.entries(options.policies ?? {}));
  const refusals: string[] = [];
  let answersToDrop = 0;

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'fake'}`);
    const match = ROUTE.exec(url.pathname);
    if (match === null) return answer(res, 404, `no route for ${url.pathname}`);
    if (policies.size > 0) {
      const refused = sasRefusal(req.headers.authorization, `${url.origin}${url.pathname}`, policies, clock.now());
      if (refused !== undefined) {
        refusals.push(refused);
        req.resume();
        return answer(res, 401, refused);
      }
    }
    const queue = decodeURIComponent(match[1] ?? '');
    if (req.method === 'POST' && match[2] === undefined && match[3] === undefined) return send(req, res, queue);
    if (req.method === 'POST' && match[2] === 'head') return peekLock(req, res, queue);
    if (req.method === 'DELETE' && match[3] !== undefined && match[4] !== undefined) {
      req.resume();
      return answer(res, state.complete(queue, decodeURIComponent(match[3]), decodeURIComponent(match[4])) ? 200 : 404, '');
    }
    req.resume();
    return answer(res, 405, `${req.method ?? ''} is not allowed here`);
  }

  async function send(req: IncomingMessage, res: ServerResponse, queue: string): Promise<void> {
    const body = await readBody(req, options.maxMessageBytes ?? DEFAULTS.maxMessageBytes);
    if (body === undefined) return answer(res, 413, 'the message is too large');
    const properties = brokerProperties(req.headers.brokerproperties);
    if (properties === undefined) return answer(res, 400, 'BrokerProperties is not a JSON object');
    const messageId = typeof properties.MessageId === 'string' ? properties.MessageId : undefined;
    state.enqueue(queue, { messageId, body, contentType: req.headers['content-type'] ?? 'application/octet-stream' });
    if (answersToDrop > 0) {
      answersToDrop--;
      req.socket.destroy();
      return;
    }
    answer(res, 201, '');
  }

  function peekLock(req: IncomingMessage, res: ServerResponse, queue: string): void {
    req.resume();
    const message = state.peekLock(queue);
    if (message === undefined) return answer(res, 204, '');
    const properties = {
      MessageId: message.messageId, LockToken: message.lock?.token, SequenceNumber: message.sequenceNumber,
      DeliveryCount: message.deliveryCount, LockedUntilUtc: message.lock?.until.toUTCString(), EnqueuedTimeUtc: message.enqueuedAt.toUTCString(),
    };
    res.writeHead(201, {
      'content-type': message.contentType,
      brokerproperties: JSON.stringify(properties),
      location: `/${encodeURIComponent(queue)}/messages/${encodeURIComponent(message.messageId)}/${message.lock?.token ?? ''}`,
    }).end(message.body);
  }

  const server = createServer((req, res) => {
    if (failures.intercept(req, res)) return;
    respond(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      answer(res, 500, error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULTS.port, options.host ?? DEFAULTS.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const namespace = `${address.address}:${address.port}`;

  return {
    namespace,
    url: `http://${namespace}`,
    failures,
    messages: (queue) => state.messages(queue),
    enqueue(queue, body, messageId) {
      state.enqueue(queue, { messageId, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), contentType: 'application/json' });
    },
    dropNextAnswers(count) { answersToDrop += count; },
    refusals,
    clearRefusals() { refusals.length = 0; },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

function brokerProperties(header: string | string[] | undefined): Record<string, unknown> | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || text.trim() === '') return {};
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length;
    if (bytes > maxBytes) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
}
