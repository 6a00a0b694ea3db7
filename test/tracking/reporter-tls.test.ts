import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { HttpCollector, JsonLinesCollector } from '../../src/sandbox/collector/index.js';
import type { TrackingReporter } from '../../src/tracking/index.js';
import { makePki, reporterFor, statusEvent, statusEvents, type TestPki } from './support/reporter.js';

const WAIT = { timeout: 20_000, interval: 20 };

describe('tracking over TLS with a client certificate', () => {
  let pkiDir: string;
  let pki: TestPki;
  let dir: string;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    pkiDir = await mkdtemp(join(tmpdir(), 'efm-tracking-pki-'));
    pki = makePki(pkiDir);
  });
  afterAll(async () => { await rm(pkiDir, { recursive: true, force: true }); });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await rm(dir, { recursive: true, force: true });
  });

  const serverTls = () => ({ key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert });
  const tcpCollector = async () => {
    dir = await mkdtemp(join(tmpdir(), 'efm-tracking-tls-'));
    const c = await JsonLinesCollector.start({ clock: systemClock, tls: serverTls() });
    stops.push(() => c.stop());
    return c;
  };
  const started = async (settings: Record<string, unknown>): Promise<TrackingReporter> => {
    const r = await reporterFor(join(dir, 'tracking'), settings);
    stops.push(() => r.stop());
    r.start();
    return r;
  };

  it('delivers json_lines over mutual TLS with a PEM certificate and key', async () => {
    const c = await tcpCollector();
    const r = await started({
      'app.logger.destination': c.destination, 'app.logger.secureLogstash': true,
      'efm.tracking.tls.certificate': pki.paths.clientCert, 'efm.tracking.tls.key': pki.paths.clientKey, 'efm.tracking.tls.ca': pki.paths.ca,
    });
    const events = statusEvents(20);
    for (const e of events) r.record(e);
    await vi.waitFor(() => expect(c.uniqueEventIds()).toEqual(new Set(events.map((e) => e.eventId))), WAIT);
  });

  it('delivers json_lines over mutual TLS with a PKCS#12 keystore, as the reference bundles it', async () => {
    const c = await tcpCollector();
    const r = await started({
      'app.logger.destination': c.destination, 'efm.tracking.tls.enabled': true,
      'efm.tracking.tls.keystore': pki.paths.clientP12, 'efm.tracking.tls.keystore-password': pki.clientP12Password, 'efm.tracking.tls.ca': pki.paths.ca,
    });
    const event = statusEvent();
    r.record(event);
    await vi.waitFor(() => expect([...c.uniqueEventIds()]).toEqual([event.eventId]), WAIT);
  });

  it('gets nothing in without a client certificate, and reports DEGRADED while staying up', async () => {
    const c = await tcpCollector();
    const r = await started({ 'app.logger.destination': c.destination, 'efm.tracking.tls.enabled': true, 'efm.tracking.tls.ca': pki.paths.ca });
    for (const e of statusEvents(5)) r.record(e);
    await vi.waitFor(() => expect(r.health()).toMatchObject({ status: 'DEGRADED', details: { degraded: ['collector unreachable'], pendingEvents: 5 } }), WAIT);
    expect(c.received()).toHaveLength(0);
    expect(c.summary().refusedHandshakes).toBeGreaterThan(0);
  });

  it('posts to an https collector with the client certificate', async () => {
    dir = await mkdtemp(join(tmpdir(), 'efm-tracking-tls-'));
    const c = await HttpCollector.start({ clock: systemClock, tls: serverTls() });
    stops.push(() => c.stop());
    const r = await started({
      'efm.tracking.transport': 'http', 'efm.tracking.url': c.url,
      'efm.tracking.tls.certificate': pki.paths.clientCert, 'efm.tracking.tls.key': pki.paths.clientKey, 'efm.tracking.tls.ca': pki.paths.ca,
    });
    const events = statusEvents(10);
    for (const e of events) r.record(e);
    await vi.waitFor(() => expect(c.stored().map((e) => e.eventId)).toEqual(events.map((e) => e.eventId)), WAIT);
  });
});
