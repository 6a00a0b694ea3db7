import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Request, RequestHandler } from 'express';

// One registry per daemon (not prom-client's global one), so two daemons in one test process never share
// counters.
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  statusChanges: Counter<'direction' | 'service' | 'status'>;
}

export interface QueueDepthSource {
  /** Messages waiting, by direction. */
  queueDepth(): Promise<{ outgoing: number; incoming: number }>;
}

export function createMetrics(queue: QueueDepthSource): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'efm_' });
  const httpRequests = new Counter({
    name: 'efm_http_requests_total', help: 'HTTP requests answered, by route template and status',
    labelNames: ['method', 'route', 'status'] as const, registers: [registry],
  });
  const statusChanges = new Counter({
    name: 'efm_message_statuses_total', help: 'Message statuses registered, by direction, service and status',
    labelNames: ['direction', 'service', 'status'] as const, registers: [registry],
  });
  new Gauge({
    name: 'efm_queue_depth', help: 'Messages waiting: outgoing not yet handed to a transport, incoming not yet deleted by the case system',
    labelNames: ['direction'] as const, registers: [registry],
    async collect() {
      const d = await queue.queueDepth();
      this.set({ direction: 'OUTGOING' }, d.outgoing);
      this.set({ direction: 'INCOMING' }, d.incoming);
    },
  });
  return { registry, httpRequests, statusChanges };
}

/** Counts every answered request by its route template, so ids do not explode the label set. */
export function countRequests(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      metrics.httpRequests.inc({ method: req.method, route: templateOf(req), status: String(res.statusCode) });
    });
    next();
  };
}

/**
 * The matched route's template under its mount point (`/api/v2/messages/out/:messageId`). By the time
 * the response finishes, Express has reset `req.baseUrl`, so the mount point is taken from the leading
 * segments of the request path that the route's own segments do not account for.
 */
function templateOf(req: Request): string {
  const route: unknown = req.route?.path;
  if (typeof route !== 'string') return 'unmatched';
  const pathSegments = (req.originalUrl.split('?')[0] ?? '').split('/').filter((s) => s.length > 0);
  const routeSegments = route.split('/').filter((s) => s.length > 0);
  const mount = pathSegments.slice(0, Math.max(0, pathSegments.length - routeSegments.length));
  return `/${[...mount, ...routeSegments].join('/')}`;
}
