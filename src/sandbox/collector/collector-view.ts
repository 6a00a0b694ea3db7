import { createServer, type Server } from 'node:http';
import { listenOn } from './received-events.js';

// GET / on its own port: what each sandbox collector received. Apart from the collectors themselves
// so it keeps answering while a collector is stopped or failing on purpose.

export interface CollectorViewSource {
  summary(): Record<string, unknown>;
}

export interface CollectorView {
  url: string;
  close(): Promise<void>;
}

export async function startCollectorView(o: { host?: string; port?: number; sources: Readonly<Record<string, CollectorViewSource>> }): Promise<CollectorView> {
  const host = o.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://view').pathname !== '/') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const body = Object.fromEntries(Object.entries(o.sources).map(([name, source]) => [name, source.summary()]));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  const port = await listenOn(server, o.port ?? 0, host);
  return {
    url: `http://${host}:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
