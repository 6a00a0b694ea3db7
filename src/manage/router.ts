import express, { Router, type RequestHandler } from 'express';
import type { JobRegistry } from '../engine/jobs/index.js';
import { NotFoundError } from '../domain/errors.js';
import { sendJson } from '../api/json.js';
import { runHealthChecks, type HealthCheck } from './health.js';
import type { Metrics } from './metrics.js';

export interface ManageRouterOptions {
  /** Guards everything except /health (probes need it open). */
  auth: RequestHandler;
  health: readonly HealthCheck[];
  info: () => Record<string, unknown>;
  metrics: Metrics;
  jobs: JobRegistry;
  /** CONTRACT.md §7: push a status event to the webhooks as if it had been recorded. */
  publishStatusEvent: (body: unknown) => Promise<void>;
}

export function manageRouter(o: ManageRouterOptions): Router {
  const r = Router();
  r.get('/health', async (_req, res) => {
    const report = await runHealthChecks(o.health);
    sendJson(res, report, report.status === 'UP' ? 200 : 503);
  });
  r.use(o.auth);
  r.get('/info', (_req, res) => sendJson(res, o.info()));
  r.get('/prometheus', async (_req, res) => {
    res.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics());
  });
  r.get('/jobs', (_req, res) => sendJson(res, { jobs: o.jobs.names() }));
  r.post('/jobs/:name/run', async (req, res) => {
    const name = String(req.params.name);
    if (!(await o.jobs.run(name))) {
      throw new NotFoundError(`No job named '${name}'. Known jobs: ${o.jobs.names().join(', ') || 'none'}`, { code: 'EFM_JOB_NOT_FOUND' });
    }
    sendJson(res, { job: name, status: 'completed' });
  });
  r.post('/webhooks/publish', express.json({ limit: '64kb' }), async (req, res) => {
    await o.publishStatusEvent(req.body);
    sendJson(res, { published: true });
  });
  return r;
}
