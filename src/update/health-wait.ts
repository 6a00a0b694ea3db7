import { setTimeout as sleep } from 'node:timers/promises';
import { loadUndici } from '../http/index.js';
import type { ChildDaemon } from './child-daemon.js';

// Readiness of a started child, as the reference checks it (ops notes §1.4 step 7): poll
// GET /manage/health until its `status` is UP; a child that exits has failed; one that is not UP in time
// has failed too. The wait is counted in polls, not read from the clock, so a pinned clock cannot stall it.
export type HealthState = 'UP' | 'DOWN' | 'UNREACHABLE';
export type LaunchOutcome = 'healthy' | 'exited' | 'timeout';

const PROBE_TIMEOUT_MS = 5000;

export async function probeHealth(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<HealthState> {
  try {
    const { request } = await loadUndici();
    const response = await request(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.body.text();
    const body: unknown = JSON.parse(text);
    const status = typeof body === 'object' && body !== null ? (body as { status?: unknown }).status : undefined;
    return status === 'UP' ? 'UP' : 'DOWN';
  } catch {
    return 'UNREACHABLE';
  }
}

export interface HealthWaitOptions {
  healthUrl: string;
  child: ChildDaemon;
  pollIntervalMs: number;
  timeoutMs: number;
}

export async function waitUntilHealthy(o: HealthWaitOptions): Promise<LaunchOutcome> {
  const polls = Math.max(1, Math.ceil(o.timeoutMs / o.pollIntervalMs));
  for (let i = 0; i < polls; i++) {
    if (o.child.hasExited) return 'exited';
    if ((await probeHealth(o.healthUrl, Math.min(PROBE_TIMEOUT_MS, Math.max(o.pollIntervalMs, 500)))) === 'UP') return 'healthy';
    const exited = await Promise.race([o.child.exited.then(() => true), sleep(o.pollIntervalMs).then(() => false)]);
    if (exited) return 'exited';
  }
  return 'timeout';
}
