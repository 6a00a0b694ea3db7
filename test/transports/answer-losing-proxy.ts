import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

// A pass-through HTTP proxy in front of a sandbox fake that can lose answers: a matching request is
// carried out by the fake in full, then the caller's connection is cut before it hears the outcome,
// as when a network drops the answer. The transports' idempotent resend is proven against it, the
// same way for every service whether or not its fake can do this itself.

export interface LostAnswerRule {
  method: string;
  path: RegExp;
}

export interface AnswerLosingProxy {
  /** The proxy's origin, `http://127.0.0.1:<port>`; put it in place of the fake's. */
  origin: string;
  /** The same URL through the proxy. */
  via(url: string): string;
  /** The next `count` requests that match are carried out and their answers lost. */
  loseNextAnswers(count: number, rule: LostAnswerRule): void;
  /** How many answers were lost so far. */
  readonly lost: number;
  close(): Promise<void>;
}

export async function startAnswerLosingProxy(target: string): Promise<AnswerLosingProxy> {
  const upstream = new URL(target);
  const pending: { rule: LostAnswerRule; left: number }[] = [];
  let lost = 0;

  const shouldLose = (req: IncomingMessage): boolean => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const match = pending.find((p) => p.left > 0 && p.rule.method === req.method && p.rule.path.test(path));
    if (match === undefined) return false;
    match.left--;
    return true;
  };

  const server = createServer((req, res) => {
    const losing = shouldLose(req);
    const forward = request({
      host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers,
    }, (answer) => {
      if (!losing) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      answer.resume();
      answer.on('end', () => {
        lost++;
        req.socket.destroy();
      });
    });
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    via(url) {
      const parsed = new URL(url);
      if (parsed.origin !== upstream.origin) throw new RangeError(`${url} is not behind this proxy (${upstream.origin})`);
      return `${origin}${parsed.pathname}${parsed.search}`;
    },
    loseNextAnswers(count, rule) { pending.push({ rule, left: count }); },
    get lost() { return lost; },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
