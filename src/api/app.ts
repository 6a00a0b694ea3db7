import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Clock } from '../clock/index.js';
import type { Logger } from '../logging/index.js';
import { correlationId } from './correlation.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { sendJson } from './json.js';
import { requestLog } from './request-log.js';
import { checkMajors, describeMajors, versionHeaders, type ApiMajor } from './versions.js';

export interface HttpAppOptions {
  clock: Clock;
  log: Logger;
  /** Guards /api/**. */
  apiAuth: RequestHandler;
  majors: readonly ApiMajor[];
  manage: Router;
  openapi: () => Record<string, unknown>;
  /** Runs before routing on every request (metrics). */
  before?: RequestHandler[];
  /** Routes outside /api and /manage (the service record relay); each brings its own auth. */
  others?: Router[];
}

export function createHttpApp(o: HttpAppOptions): Express {
  checkMajors(o.majors);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(correlationId());
  app.use(requestLog(o.log));
  for (const h of o.before ?? []) app.use(h);
  app.use('/manage', o.manage);
  app.use('/api', o.apiAuth);
  const current = o.majors.find((m) => m.status === 'current');
  app.get(['/api', '/api/'], (_req, res) => {
    if (current) res.setHeader('API-Version', current.version);
    sendJson(res, describeMajors(o.majors));
  });
  app.get('/api/openapi.json', (_req, res) => {
    if (current) res.setHeader('API-Version', current.version);
    sendJson(res, o.openapi());
  });
  for (const m of o.majors) app.use(`/api/v${m.major}`, versionHeaders(m), m.router);
  if (current) app.use('/api', versionHeaders(current), current.router);
  for (const router of o.others ?? []) app.use(router);
  app.use(notFoundHandler(o.clock));
  app.use(errorHandler(o.clock));
  return app;
}
