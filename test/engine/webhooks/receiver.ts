import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPush {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Decides the answer to one push; may hold it by not calling `res.end` yet. */
export type Responder = (push: ReceivedPush, res: ServerResponse) => void;

const answer = (status: number): Responder => (_push, res) => { res.statusCode = status; res.end(); };

/** A webhook endpoint on 127.0.0.1:0 that records every push and answers as the test tells it. */
export class Receiver {
  readonly pushes: ReceivedPush[] = [];
  /** Answers in turn; after the last one, `fallback`. */
  readonly script: Responder[] = [];
  fallback: Responder = answer(200);
  inFlight = new Map<string, number>();
  maxInFlight = new Map<string, number>();
  private waiters: { count: number; resolve: () => void }[] = [];
  private server: Server | undefined;
  private port = 0;

  static answer = answer;

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const push = { path: req.url ?? '', method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.track(push.path, 1);
        res.on('close', () => this.track(push.path, -1));
        this.pushes.push(push);
        (this.script.shift() ?? this.fallback)(push, res);
        this.notify();
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  to(path: string): ReceivedPush[] {
    return this.pushes.filter((p) => p.path === path);
  }

  /** Resolves once `count` pushes have arrived in all. */
  received(count: number): Promise<void> {
    if (this.pushes.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private track(path: string, delta: number): void {
    const now = (this.inFlight.get(path) ?? 0) + delta;
    this.inFlight.set(path, now);
    this.maxInFlight.set(path, Math.max(now, this.maxInFlight.get(path) ?? 0));
  }

  private notify(): void {
    this.waiters = this.waiters.filter((w) => {
      if (this.pushes.length < w.count) return true;
      w.resolve();
      return false;
    });
  }
}
