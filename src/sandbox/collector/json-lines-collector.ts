import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Clock } from '../../clock/index.js';
import { listenOn, parseReceived, type ReceivedEvent } from './received-events.js';

// A stand-in for the central Logstash TCP input (ops notes §3.1): one JSON document per line, over
// plain TCP or TLS (with `ca`, mutual TLS: only clients with a certificate from that CA get in). It
// reads to the client's end and then closes its side, as Logstash does, and keeps every line it read,
// repeats included, so tests can count what at-least-once delivery sent.

export interface CollectorTls {
  key: string | Buffer;
  cert: string | Buffer;
  /** When set, clients must present a certificate issued by this CA. */
  ca?: string | Buffer;
}

export interface JsonLinesCollectorOptions {
  clock: Clock;
  host?: string;
  /** 0 picks a free port; restart() reuses the one picked. */
  port?: number;
  tls?: CollectorTls;
}

/**
 * `reset`: read everything, then reset the connection instead of closing it in order (the client must
 * send the batch again). `hang`: accept connections and never read from them.
 */
export type JsonLinesFailure = 'reset' | 'hang';

export class JsonLinesCollector {
  private readonly lines: ReceivedEvent[] = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private failure: JsonLinesFailure | undefined;
  private refusedHandshakes = 0;

  private constructor(private readonly o: JsonLinesCollectorOptions, readonly host: string, public port: number) {}

  static async start(o: JsonLinesCollectorOptions): Promise<JsonLinesCollector> {
    const collector = new JsonLinesCollector(o, o.host ?? '127.0.0.1', o.port ?? 0);
    await collector.restart();
    return collector;
  }

  /** `host:port`, as efm.tracking.destination takes it. */
  get destination(): string {
    return `${this.host}:${this.port}`;
  }

  /** Every line read, in arrival order, repeats included. */
  received(): readonly ReceivedEvent[] {
    return this.lines;
  }

  uniqueEventIds(): Set<string> {
    return new Set(this.lines.flatMap((l) => (l.eventId === undefined ? [] : [l.eventId])));
  }

  /** Connections open right now (a hanging collector keeps them open). */
  openConnections(): number {
    return this.sockets.size;
  }

  summary(): Record<string, unknown> {
    return {
      destination: this.destination,
      tls: this.o.tls !== undefined,
      lines: this.lines.length,
      uniqueEvents: this.uniqueEventIds().size,
      refusedHandshakes: this.refusedHandshakes,
      events: this.lines.map((l) => l.document ?? null),
    };
  }

  fail(mode: JsonLinesFailure): void {
    this.failure = mode;
  }

  heal(): void {
    this.failure = undefined;
  }

  /** Listens (again) on the collector's port. */
  async restart(): Promise<void> {
    if (this.server) return;
    const server = this.o.tls
      ? createTlsServer({ key: this.o.tls.key, cert: this.o.tls.cert, ...(this.o.tls.ca ? { ca: this.o.tls.ca, requestCert: true, rejectUnauthorized: true } : {}) },
        (socket) => this.accept(socket))
      : createTcpServer((socket) => this.accept(socket));
    server.on('tlsClientError', () => { this.refusedHandshakes++; });
    this.port = await listenOn(server, this.port, this.host);
    this.server = server;
  }

  /** Stops listening and drops open connections, as a crashed collector would. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    if (this.failure === 'hang') {
      socket.pause();
      return;
    }
    let rest = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      rest += chunk;
      for (let i = rest.indexOf('\n'); i !== -1; i = rest.indexOf('\n')) {
        this.keep(rest.slice(0, i));
        rest = rest.slice(i + 1);
      }
    });
    socket.on('end', () => {
      // Logstash takes a last line without its newline when the connection ends.
      this.keep(rest);
      if (this.failure === 'reset') socket.resetAndDestroy();
      else socket.end();
    });
  }

  private keep(line: string): void {
    if (line.trim() !== '') this.lines.push(parseReceived(line, this.o.clock));
  }
}
