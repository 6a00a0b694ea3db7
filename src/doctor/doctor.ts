// `efm doctor`: checks a deployment the way `efm start` would use it and says, per check, what to fix.
// The network checks run side by side with short timeouts; the clock is measured on their answers.
import { join, resolve } from 'node:path';
import type { Clock } from '../clock/index.js';
import type { Config } from '../config/index.js';
import { checkResult, type DoctorCheck } from './check.js';
import { clockCheck } from './clock-check.js';
import { checkConfig, type ConfigLoader } from './config-check.js';
import { checkDatabase } from './database-check.js';
import { checkDisk, type DiskLimits } from './disk-check.js';
import { configuredEndpoints, endpointCheck, type Endpoint } from './endpoint-check.js';
import { checkKeystores } from './keystore-check.js';
import { probe } from './probe.js';

export const DOCTOR_DEFAULTS = {
  timeoutMs: 5000,
  /** The reference refuses to start when NTP says the clock is off by more than 5 s (ops notes §5.2). */
  maxClockSkewMs: 5000,
  certificateWarningDays: 30,
  /** Below 2 GB is a warning: the reference's minimum (ops notes §5.8). */
  disk: { failBelowBytes: 256 * 1024 ** 2, warnBelowBytes: 2 * 1024 ** 3 } satisfies DiskLimits,
} as const;

export interface DoctorOptions {
  /** Loads the configuration exactly as `efm start` does (local sources and the central layer). */
  loadConfig: ConfigLoader;
  /** The real clock: the skew check compares it with the endpoints' Date headers. */
  clock: Clock;
  timeoutMs?: number;
  maxClockSkewMs?: number;
  certificateWarningDays?: number;
  disk?: DiskLimits;
  /** Endpoints beyond the registry, Maskinporten and the hub, e.g. those of enabled transports. */
  endpoints?: (config: Config) => Endpoint[];
  /** The SQLite file the daemon opens; `<data-dir>/efm.sqlite` unless given. */
  databaseFile?: (config: Config) => string;
}

export interface DoctorReport {
  /** False when any check failed. */
  ok: boolean;
  checks: DoctorCheck[];
}

const LATER_CHECKS = ['keystore', 'clock', 'endpoints', 'disk', 'database'];

export async function runDoctor(o: DoctorOptions): Promise<DoctorReport> {
  const { check, config } = await checkConfig(o.loadConfig);
  if (!config) {
    const skipped = LATER_CHECKS.map((name) => checkResult(name, 'skip', 'needs a valid configuration'));
    return report([check, ...skipped]);
  }
  const timeoutMs = o.timeoutMs ?? DOCTOR_DEFAULTS.timeoutMs;
  const endpoints = uniqueByUrl([...configuredEndpoints(config), ...(o.endpoints?.(config) ?? [])]);
  const dataDir = resolve(config.dataDir);
  const [keystores, probes, disk, database] = await Promise.all([
    checkKeystores(config, o.clock, o.certificateWarningDays ?? DOCTOR_DEFAULTS.certificateWarningDays),
    Promise.all(endpoints.map(async (e) => ({ endpoint: e, result: await probe(new URL(e.url), timeoutMs, o.clock) }))),
    checkDisk(dataDir, o.disk ?? DOCTOR_DEFAULTS.disk),
    config.store.type === 'sqlite'
      ? checkDatabase(o.databaseFile?.(config) ?? join(dataDir, 'efm.sqlite'))
      : Promise.resolve(checkResult('database', 'skip', `store type ${config.store.type} is not checked`)),
  ]);
  const clock = clockCheck(probes.map((p) => ({ url: p.endpoint.url, result: p.result })), o.maxClockSkewMs ?? DOCTOR_DEFAULTS.maxClockSkewMs);
  return report([check, ...keystores, clock, ...probes.map((p) => endpointCheck(p.endpoint, p.result, timeoutMs)), disk, database]);
}

const report = (checks: DoctorCheck[]): DoctorReport => ({ ok: checks.every((c) => c.ok), checks });

function uniqueByUrl(endpoints: Endpoint[]): Endpoint[] {
  const seen = new Set<string>();
  return endpoints.filter((e) => !seen.has(e.url) && seen.add(e.url));
}
