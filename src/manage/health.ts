// Health for probes, the container HEALTHCHECK and the conformance harness (CONTRACT.md §1.2). A
// degraded-but-working part reports DEGRADED in its details while the whole stays UP; only a part that
// stops the daemon from doing its work makes it DOWN (503).
export type PartStatus = 'UP' | 'DEGRADED' | 'DOWN';

export interface HealthCheck {
  name: string;
  check(): Promise<{ status: PartStatus; details?: Record<string, unknown> }>;
}

export interface HealthReport {
  status: 'UP' | 'DOWN';
  components: Record<string, { status: PartStatus; details?: Record<string, unknown> }>;
}

export async function runHealthChecks(checks: readonly HealthCheck[], timeoutMs = 3000): Promise<HealthReport> {
  const components: HealthReport['components'] = {};
  await Promise.all(checks.map(async (c) => {
    try {
      components[c.name] = await withTimeout(c.check(), timeoutMs);
    } catch (err) {
      components[c.name] = { status: 'DOWN', details: { error: err instanceof Error ? err.message : String(err) } };
    }
  }));
  const down = Object.values(components).some((c) => c.status === 'DOWN');
  return { status: down ? 'DOWN' : 'UP', components };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    t.unref();
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}
