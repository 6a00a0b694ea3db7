import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Clock } from '../../clock/index.js';
import type { CollectorTls } from './json-lines-collector.js';
import { listenOn, type ReceivedEvent } from './received-events.js';

// The HTTP collector with acknowledgements that the tracking reporter's HTTP transport talks to:
//   POST /events {"events":[…]} → 200 {"stored":[ids], "rejected":[{eventId, reason}]}
// It keeps one document per event id (dedup) and counts every arrival. An id counts as acknowledged
// once an answer naming it has been written out; an arrival of such an id is listed in
// repeatsAfterAck(), which is what a test of "nothing acknowledged is sent again" looks at.
// GET /events shows what it holds.

const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface HttpCollectorOptions {
  clock: Clock;
  host?: string;
  port?: number;
  tls?: CollectorTls;
}

/**
 * `unavailable`: 503 without storing. `hang`: never answer. `drop-answer`: store, then reset the
 * connection instead of answering. `partial`: take only the first half of the batch (as a collector
 * short of room would) and acknowledge just that.
 */
export type HttpCollectorFailure = 'unavailable' | 'hang' | 'drop-answer' | 'partial';

export class HttpCollector {
  private readonly events = new Map<string, ReceivedEvent>();
  private readonly arrivals = new Map<string, number>();
  private readonly acknowledged = new Set<string>();
  private readonly repeats: string[] = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private failure: HttpCollectorFailure | undefined;
  private posts = 0;

  private constructor(private readonly o: HttpCollectorOptions, readonly host: string, public port: number) {}

  static async start(o: HttpCollectorOptions): Promise<HttpCollector> {
    const collector = new HttpCollector(o, o.host ?? '127.0.0.1', o.port ?? 0);
    await collector.restart();
    return collector;
  }

  /** The POST endpoint, as efm.tracking.url takes it. */
  get url(): string {
    return `${this.o.tls ? 'https' : 'http'}://${this.host}:${this.port}/events`;
  }

  /** One entry per event id, in order of first arrival. */
  stored(): ReceivedEvent[] {
    return [...this.events.values()];
  }

  arrivalsOf(eventId: string): number {
    return this.arrivals.get(eventId) ?? 0;
  }

  totalArrivals(): number {
    let n = 0;
    for (const count of this.arrivals.values()) n += count;
    return n;
  }

  /** Ids that arrived again after an answer acknowledging them had been written out. */
  repeatsAfterAck(): readonly string[] {
    return this.repeats;
  }

  summary(): Record<string, unknown> {
    return {
      url: this.url,
      posts: this.posts,
      stored: this.events.size,
      arrivals: this.totalArrivals(),
      repeatsAfterAck: this.repeats.length,
      events: this.stored().map((e) => e.document ?? null),
    };
  }

  fail(mode: HttpCollectorFailure): void {
    this.failure = mode;
  }

  heal(): void {
    this.failure = undefined;
  }

  async restart(): Promise<void> {
    if (this.server) return;
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const tls = this.o.tls;
    const server = tls
      ? createHttpsServer({ key: tls.key, cert: tls.cert, ...(tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: true } : {}) }, handler)
      : createHttpServer(handler);
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.port = await listenOn(server, this.port, this.host);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://collector').pathname;
    if (path !== '/events') return answer(res, 404, { error: 'not found' });
    if (req.method === 'GET') return answer(res, 200, this.summary());
    if (req.method !== 'POST') return answer(res, 405, { error: 'method not allowed' });
    if (this.failure === 'hang') return;
    const body = await readBody(req);
    if (body === undefined) return answer(res, 413, { error: 'body too large' });
    const events = eventsOf(body);
    if (events === undefined) return answer(res, 400, { error: 'expected {"events":[…]}' });
    if (this.failure === 'unavailable') return answer(res, 503, { error: 'unavailable' });
    this.posts++;
    const { stored, rejected } = this.take(this.failure === 'partial' ? events.slice(0, Math.ceil(events.length / 2)) : events);
    if (this.failure === 'drop-answer') return void req.socket.resetAndDestroy();
    res.on('finish', () => { for (const id of stored) this.acknowledged.add(id); });
    answer(res, 200, { stored, rejected });
  }

  private take(events: readonly unknown[]): { stored: string[]; rejected: { eventId: string; reason: string }[] } {
    const stored: string[] = [];
    const rejected: { eventId: string; reason: string }[] = [];
    for (const value of events) {
      if (typeof value !== 'object' || value === null) continue;
      const document = value as Record<string, unknown>;
      const id = document.event_id;
      if (typeof id !== 'string' || id === '') continue;
      if (typeof document.logger_name !== 'string') {
        rejected.push({ eventId: id, reason: 'no logger_name' });
        continue;
      }
      this.arrivals.set(id, (this.arrivals.get(id) ?? 0) + 1);
      if (this.acknowledged.has(id)) this.repeats.push(id);
      if (!this.events.has(id)) this.events.set(id, { eventId: id, document, receivedAt: this.o.clock.now() });
      stored.push(id);
    }
    return { stored, rejected };
  }
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function eventsOf(body: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const events = typeof parsed === 'object' && parsed !== null ? (parsed as { events?: unknown }).events : undefined;
    return Array.isArray(events) ? events : undefined;
  } catch {
    return undefined;
  }
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
