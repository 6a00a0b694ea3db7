import { pinoHttp } from 'pino-http';
import type { RequestHandler } from 'express';
import type { Logger } from '../logging/index.js';
import { redactPersonNumbers } from '../logging/index.js';
import { correlationIdOf } from './correlation.js';

// Request logs keep only safe fields: method, path (person numbers hashed), status, timing. Headers and
// bodies are left out, so neither credentials nor payloads reach a log line.
export function requestLog(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log.child({ module: 'http' }),
    genReqId: (_req, res) => {
      const id = res.getHeader('X-Correlation-Id');
      return typeof id === 'string' ? id : 'unknown';
    },
    customProps: (_req, res) => ({ reqId: correlationIdOf(res as Parameters<typeof correlationIdOf>[0]) }),
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: redactPersonNumbers(req.url ?? '') }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    quietReqLogger: true,
  });
}
