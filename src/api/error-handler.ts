import type { ErrorRequestHandler, RequestHandler } from 'express';
import { EfmError, type ErrorKind } from '../domain/errors.js';
import { formatOslo } from '../domain/time.js';
import type { Clock } from '../clock/index.js';
import { errorBody } from './error-body.js';
import { correlationIdOf } from './correlation.js';

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'no-content': 204,
  unavailable: 503,
  internal: 500,
};

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  message?: unknown;
}

/** Errors thrown by body parsers and other middleware carry a 4xx status of their own. */
function clientStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as HttpishError;
  const s = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  return s !== undefined && s >= 400 && s < 500 ? s : undefined;
}

function wantsProblemJson(accept: string | undefined): boolean {
  return !!accept && accept.includes('application/problem+json');
}

/** The one place where errors become HTTP answers (STYLE.md "Errors"). */
export function errorHandler(clock: Clock): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const log = req.log;
    const path = req.originalUrl.split('?')[0] ?? req.originalUrl;
    const base = { path, timestamp: formatOslo(clock.now()), correlationId: correlationIdOf(res) };
    let status: number;
    let body: Record<string, unknown>;
    if (err instanceof EfmError) {
      status = STATUS_OF_KIND[err.kind];
      if (status === 204) {
        res.status(204).end();
        return;
      }
      body = errorBody({ ...base, status, message: err.message, exception: err.exception, code: err.code, description: err.description, problems: err.problems });
      if (err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      // An unavailable dependency is degraded-but-handled (warn); only our own failures are errors.
      if (status === 503) log?.warn({ code: err.code, reason: err.message }, 'request refused: a dependency is unavailable');
      else if (status >= 500) log?.error({ err, code: err.code }, 'request failed');
      else log?.info({ code: err.code, status }, 'request rejected');
    } else {
      const clientStatus = clientStatusOf(err);
      if (clientStatus !== undefined) {
        status = clientStatus;
        const e = err as HttpishError;
        const message = e.type === 'entity.parse.failed' ? 'Malformed JSON in the request body' : String(e.message ?? 'Bad request');
        body = errorBody({ ...base, status, message, code: status === 413 ? 'EFM_PAYLOAD_TOO_LARGE' : 'EFM_BAD_REQUEST' });
        log?.info({ status, reason: message }, 'request rejected');
      } else {
        status = 500;
        body = errorBody({ ...base, status, message: 'Internal error; see the daemon log for this correlation id', code: 'EFM_INTERNAL' });
        log?.error({ err }, 'request failed with an unexpected error');
      }
    }
    // Refused before its body was read (an upload over the limit or of a refused format): the rest of
    // the body stays unread, so this connection cannot carry the client's next request.
    if (!req.complete) res.setHeader('Connection', 'close');
    res.status(status);
    res.type(wantsProblemJson(req.headers.accept) ? 'application/problem+json' : 'application/json');
    res.send(JSON.stringify(body, null, 2));
  };
}

/** Unknown routes answer 404 in the same shape. */
export function notFoundHandler(clock: Clock): RequestHandler {
  return (req, res) => {
    const path = req.originalUrl.split('?')[0] ?? req.originalUrl;
    res.status(404).type('application/json').send(JSON.stringify(errorBody({
      status: 404, path, timestamp: formatOslo(clock.now()), code: 'EFM_NO_SUCH_ROUTE',
      message: `No endpoint ${req.method} ${path}`, correlationId: correlationIdOf(res),
    }), null, 2));
  };
}
