import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../../../src/clock/index.js';
import { testConfig } from '../../../src/config/testing.js';
import { createLogger } from '../../../src/logging/index.js';
import { createTrackingReporter, statusChangeEvent, type TrackingEvent, type TrackingReporter } from '../../../src/tracking/index.js';
import { aStatusChange } from './status-change.js';

export const silentLog = createLogger({ level: 'silent' });
export const IDENTITY = { orgNumber: '910077473', version: 'v0.1.0', hostname: 'test-host' };

/** A reporter built from settings, as the daemon builds it, with short waits so tests finish quickly. */
export function reporterFor(dir: string, settings: Readonly<Record<string, unknown>>): Promise<TrackingReporter> {
  const config = testConfig({
    'efm.tracking.enabled': true,
    'efm.tracking.batch-delay': '5ms',
    'efm.tracking.initial-backoff': '10ms',
    'efm.tracking.max-backoff': '80ms',
    'efm.tracking.request-timeout': '2s',
    ...settings,
  });
  return createTrackingReporter({ dir, clock: systemClock, log: silentLog, settings: config.tracking, identity: IDENTITY });
}

export function statusEvent(statusId = 1): TrackingEvent {
  return statusChangeEvent(aStatusChange({ statusId }));
}

export function statusEvents(count: number, firstStatusId = 1): TrackingEvent[] {
  return Array.from({ length: count }, (_, i) => statusEvent(firstStatusId + i));
}

export interface TestPki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Paths of the same, for settings that take files. */
  paths: { ca: string; clientCert: string; clientKey: string; clientP12: string };
  clientP12Password: string;
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
export function makePki(dir: string): TestPki {
  const file = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=efm test tracking CA');
  const issue = (name: string, subject: string, extensions: string) => {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject);
    writeFileSync(file(`${name}.ext`), `${extensions}\n`);
    ssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file(`${name}.pem`), '-days', '2', '-extfile', file(`${name}.ext`));
  };
  issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1');
  issue('client', '/CN=910077473', 'extendedKeyUsage=clientAuth');
  const clientP12Password = 'changeit';
  ssl('pkcs12', '-export', '-in', file('client.pem'), '-inkey', file('client.key'), '-out', file('client.p12'), '-passout', `pass:${clientP12Password}`);
  const read = (name: string) => readFileSync(file(name), 'utf8');
  return {
    caCert: read('ca.pem'),
    serverCert: read('server.pem'),
    serverKey: read('server.key'),
    clientCert: read('client.pem'),
    clientKey: read('client.key'),
    paths: { ca: file('ca.pem'), clientCert: file('client.pem'), clientKey: file('client.key'), clientP12: file('client.p12') },
    clientP12Password,
  };
}
