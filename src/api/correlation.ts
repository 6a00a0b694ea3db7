import type { RequestHandler, Response } from 'express';
import { randomId } from '../ids/index.js';

// A correlation id per request: taken from the client when it sends a sane one, generated otherwise,
// returned in the response header, in error bodies and on every log line of the request.
export const CORRELATION_HEADER = 'x-correlation-id';
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

export function correlationId(): RequestHandler {
  return (req, res, next) => {
    const given = req.headers[CORRELATION_HEADER] ?? req.headers['x-request-id'];
    const id = typeof given === 'string' && SANE.test(given) ? given : randomId();
    res.locals.correlationId = id;
    res.setHeader('X-Correlation-Id', id);
    next();
  };
}

export function correlationIdOf(res: Response): string | undefined {
  const id: unknown = res.locals.correlationId;
  return typeof id === 'string' ? id : undefined;
}
