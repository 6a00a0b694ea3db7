import { hostname } from 'node:os';
import type { Clock } from '../clock/index.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../logging/index.js';
import { TrackingBuffer } from './buffer.js';
import { loadClientTls } from './client-tls.js';
import { TrackingConfigError } from './errors.js';
import { HttpTransport } from './http-transport.js';
import { JsonLinesTransport } from './json-lines-transport.js';
import type { TrackingTransport } from './port.js';
import type { TrackingReporter } from './reporter.js';
import { ActiveTrackingReporter } from './reporter.js';

// Assembles tracking from its settings: the composition root calls this once and gets a reporter,
// or one that does nothing when tracking is off. Wrong settings throw a TrackingConfigError, so the
// daemon refuses to start rather than lose events quietly.

export type TrackingSettings = Config['tracking'];

export interface CreateTrackingReporterOptions {
  /** The buffer's own directory, e.g. `<data-dir>/tracking`; nothing else may write there. */
  dir: string;
  clock: Clock;
  log: Logger;
  settings: TrackingSettings;
  identity: { orgNumber: string; version: string; hostname?: string; lastCommit?: string };
}

export async function createTrackingReporter(o: CreateTrackingReporterOptions): Promise<TrackingReporter> {
  const { settings } = o;
  if (!settings.enabled) return disabledReporter;
  const transport = await createTransport(settings);
  const buffer = await TrackingBuffer.open({ dir: o.dir, maxBytes: settings.bufferMaxBytes });
  return new ActiveTrackingReporter({
    buffer,
    transport,
    clock: o.clock,
    log: o.log.child({ module: 'tracking' }),
    identity: { ...o.identity, hostname: o.identity.hostname ?? hostname() },
    batchMaxEvents: settings.batchMaxEvents,
    batchDelayMs: settings.batchDelay,
    initialBackoffMs: settings.initialBackoff,
    maxBackoffMs: settings.maxBackoff,
    bufferWarnBytes: settings.bufferWarnBytes,
  });
}

async function createTransport(settings: TrackingSettings): Promise<TrackingTransport> {
  const timeoutMs = settings.requestTimeout;
  if (settings.transport === 'http') {
    if (settings.url === undefined) throw new TrackingConfigError('efm.tracking.transport=http needs efm.tracking.url');
    const secure = new URL(settings.url).protocol === 'https:';
    const hasClientTls = settings.tls.certificate !== undefined || settings.tls.keystore !== undefined;
    if (!secure && hasClientTls) throw new TrackingConfigError('a client certificate for the HTTP collector needs an https efm.tracking.url');
    return new HttpTransport({ url: settings.url, timeoutMs, ...(secure ? { tls: await loadClientTls(settings.tls) } : {}) });
  }
  if (settings.destination === undefined) {
    throw new TrackingConfigError('efm.tracking.transport=tcp needs efm.tracking.destination (host:port; app.logger.destination)');
  }
  const { host, port } = parseDestination(settings.destination);
  return new JsonLinesTransport({ host, port, timeoutMs, ...(settings.tls.enabled ? { tls: await loadClientTls(settings.tls) } : {}) });
}

/** `host:port` or `[v6-address]:port`, as app.logger.destination is written. */
export function parseDestination(destination: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(destination.trim());
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (host === undefined || !(port >= 1 && port <= 65535)) throw new TrackingConfigError(`efm.tracking.destination must be host:port, not ${destination}`);
  return { host, port };
}

const disabledReporter: TrackingReporter = {
  record: () => undefined,
  start: () => undefined,
  stop: async () => undefined,
  health: () => ({ status: 'UP', details: { enabled: false } }),
};
