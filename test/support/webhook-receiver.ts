import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

// A case system's webhook endpoint for the tests: records every push (headers and the raw body, as
// signature checks need it) and answers with the status the test sets.
export interface ReceivedPush {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: Record<string, unknown>;
  /** The status this push was answered with. */
  answeredWith: number;
}

export interface WebhookReceiver {
  /** Base URL; append a path to tell subscriptions apart. */
  url: string;
  received: ReceivedPush[];
  /** Pushes answered 2xx whose JSON has `event` equal to this. */
  events(event: string): ReceivedPush[];
  /** Status every answer has from now on (200 unless set). */
  answerWith(status: number): void;
  close(): Promise<void>;
}

/** On 127.0.0.1, port 0 unless given (a test that brings an endpoint back up reuses its old port). */
export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  const received: ReceivedPush[] = [];
  let status = 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const body = parseObject(rawBody);
      received.push({ path: req.url ?? '/', headers: req.headers, rawBody, body, answeredWith: status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    received,
    events: (event) => received.filter((p) => p.body.event === event && p.answeredWith >= 200 && p.answeredWith < 300),
    answerWith: (next) => { status = next; },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
  };
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value as Record<string, unknown> : {};
  } catch {
    return {};
  }
}
