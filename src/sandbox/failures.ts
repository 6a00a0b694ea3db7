import type { IncomingMessage, ServerResponse } from 'node:http';

// Failures on demand for the sandbox's fakes, so the engine's retries can be tested against real HTTP:
// the next N matching requests fail, or each one does with a given probability. A failed request is
// answered (or its connection cut) before the fake looks at it, so it changes no state. An answer waits
// for the whole request body, as a real server that parses its multipart would: answering mid-upload
// and closing races the client's last writes and turns a clean 4xx into a connection error.

export interface FailureRule {
  /** HTTP status of the failure answer; default 503. */
  status?: number;
  /** `reset` cuts the connection instead of answering. */
  mode?: 'status' | 'reset';
  /** Only requests with this method fail. */
  method?: string;
  /** Only requests whose path (without query) matches fail. */
  path?: RegExp;
}

export interface FailureControl {
  /** The next `count` matching requests fail. */
  failNext(count: number, rule?: FailureRule): void;
  /** Each matching request fails with probability `rate` (0 to 1) until cleared. */
  failRate(rate: number, rule?: FailureRule): void;
  /** No more failures. */
  clear(): void;
  /** How many requests have been failed so far. */
  readonly failed: number;
}

export interface FailureInjector extends FailureControl {
  /** Fails the request when a rule says so; true when it did (the caller then stops). */
  intercept(req: IncomingMessage, res: ServerResponse): boolean;
}

interface Counted { rule: FailureRule; left: number }
interface Rated { rule: FailureRule; rate: number }

export function createFailureInjector(random: () => number = Math.random): FailureInjector {
  let counted: Counted[] = [];
  let rated: Rated[] = [];
  let failed = 0;

  const matches = (rule: FailureRule, req: IncomingMessage): boolean => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    return (rule.method === undefined || rule.method.toUpperCase() === req.method) && (rule.path === undefined || rule.path.test(path));
  };

  const pick = (req: IncomingMessage): FailureRule | undefined => {
    const next = counted.find((c) => c.left > 0 && matches(c.rule, req));
    if (next) {
      next.left--;
      counted = counted.filter((c) => c.left > 0);
      return next.rule;
    }
    return rated.find((r) => matches(r.rule, req) && random() < r.rate)?.rule;
  };

  return {
    failNext(count, rule = {}) { counted.push({ rule, left: count }); },
    failRate(rate, rule = {}) { rated.push({ rule, rate }); },
    clear() { counted = []; rated = []; },
    get failed() { return failed; },
    intercept(req, res) {
      const rule = pick(req);
      if (rule === undefined) return false;
      failed++;
      if (rule.mode === 'reset') {
        req.socket.destroy();
        return true;
      }
      const status = rule.status ?? 503;
      const answer = (): void => {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/problem+json', connection: 'close' })
          .end(JSON.stringify({ type: 'about:blank', title: 'Injected failure', status, detail: 'the sandbox was asked to fail this request' }));
      };
      if (req.readableEnded) {
        answer();
        return true;
      }
      req.once('end', answer);
      req.once('error', () => req.socket.destroy());
      req.resume();
      return true;
    },
  };
}
