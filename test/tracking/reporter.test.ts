import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { manualClock } from '../../src/clock/index.js';
import { testConfig } from '../../src/config/testing.js';
import {
  ActiveTrackingReporter, createTrackingReporter, parseDestination, TrackingBuffer, TrackingConfigError, TrackingDeliveryError,
  type BufferedEvent, type Delivery, type TrackingReporter, type TrackingTransport,
} from '../../src/tracking/index.js';
import { IDENTITY, silentLog, statusEvent, statusEvents } from './support/reporter.js';

const WAIT = { timeout: 10_000, interval: 10 };

/** A collector stand-in whose answer each test decides. */
class ScriptedTransport implements TrackingTransport {
  readonly destination = 'scripted://collector';
  readonly sent: string[] = [];
  answer: (events: readonly BufferedEvent[]) => Delivery = () => ({ stored: 'all', rejected: [] });
  async deliver(events: readonly BufferedEvent[]): Promise<Delivery> {
    this.sent.push(...events.map((e) => e.eventId));
    return this.answer(events);
  }
  async close(): Promise<void> {}
}

describe(ActiveTrackingReporter.name, () => {
  let dir: string;
  let transport: ScriptedTransport;
  const clock = manualClock('2026-03-01T10:00:00Z');
  const reporters: TrackingReporter[] = [];
  const open = async (o: { bufferWarnBytes?: number } = {}) => {
    const r = new ActiveTrackingReporter({
      buffer: await TrackingBuffer.open({ dir, maxBytes: 1024 * 1024 }),
      transport, clock, log: silentLog, identity: IDENTITY,
      batchMaxEvents: 100, batchDelayMs: 1, initialBackoffMs: 5, maxBackoffMs: 20, bufferWarnBytes: o.bufferWarnBytes ?? 1024 * 1024,
    });
    reporters.push(r);
    return r;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'efm-tracking-reporter-'));
    transport = new ScriptedTransport();
  });
  afterEach(async () => {
    for (const r of reporters.splice(0)) await r.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports an unreachable collector as DEGRADED with its details, never DOWN, and UP again once it answers', async () => {
    transport.answer = () => { throw new TrackingDeliveryError('connect ECONNREFUSED'); };
    const r = await open();
    r.start();
    for (const e of statusEvents(3)) r.record(e);
    await vi.waitFor(() => expect(r.health().details.failedAttempts).toBeGreaterThan(1), WAIT);
    expect(r.health()).toMatchObject({
      status: 'DEGRADED',
      details: { degraded: ['collector unreachable'], pendingEvents: 3, unreachableSince: '2026-03-01T11:00:00+01:00', lastError: 'connect ECONNREFUSED' },
    });
    clock.advance(60_000);
    transport.answer = () => ({ stored: 'all', rejected: [] });
    await vi.waitFor(() => expect(r.health().status).toBe('UP'), WAIT);
    expect(r.health().details).toMatchObject({ pendingEvents: 0, deliveredEvents: 3, lastDeliveredAt: '2026-03-01T11:01:00+01:00' });
    expect(r.health().details).not.toHaveProperty('unreachableSince');
  });

  it('never sends a rejected event again and counts it', async () => {
    const [bad, ...good] = statusEvents(3);
    transport.answer = (events) => ({
      stored: new Set(events.filter((e) => e.eventId !== bad?.eventId).map((e) => e.eventId)),
      rejected: events.filter((e) => e.eventId === bad?.eventId).map((e) => ({ eventId: e.eventId, reason: 'malformed' })),
    });
    const r = await open();
    r.start();
    if (bad) r.record(bad);
    for (const e of good) r.record(e);
    await vi.waitFor(() => expect(r.health().details).toMatchObject({ pendingEvents: 0, rejectedEvents: 1, deliveredEvents: 2 }), WAIT);
    r.record(statusEvent(50));
    await vi.waitFor(() => expect(r.health().details.deliveredEvents).toBe(3), WAIT);
    expect(transport.sent.filter((id) => id === bad?.eventId)).toHaveLength(1);
  });

  it('resends only the events the collector did not acknowledge, out of order included', async () => {
    let first = true;
    transport.answer = (events) => {
      const keep = first ? events.filter((_, i) => i % 2 === 1) : events;
      first = false;
      return { stored: new Set(keep.map((e) => e.eventId)), rejected: [] };
    };
    const events = statusEvents(6);
    const r = await open();
    for (const e of events) r.record(e);
    r.start();
    await vi.waitFor(() => expect(r.health().details.pendingEvents).toBe(0), WAIT);
    const ids = events.map((e) => e.eventId);
    expect(transport.sent).toEqual([...ids, ids[0], ids[2], ids[4]]);
  });

  it('is DEGRADED when the backlog passes its warning size, while events still flow', async () => {
    transport.answer = () => { throw new TrackingDeliveryError('timeout'); };
    const r = await open({ bufferWarnBytes: 2000 });
    for (const e of statusEvents(5)) r.record(e);
    expect(r.health()).toMatchObject({ status: 'DEGRADED', details: { degraded: ['buffer above its warning size'] } });
  });

  it('does not throw from record() when the event cannot be buffered, and says so in health', async () => {
    const r = await open();
    await r.stop();
    expect(() => r.record(statusEvent())).not.toThrow();
    expect(r.health()).toMatchObject({ status: 'DEGRADED', details: { degraded: ['events cannot be buffered'], recordFailures: 1 } });
  });
});

describe(createTrackingReporter.name, () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'efm-tracking-create-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });
  const create = (settings: Record<string, unknown>) => createTrackingReporter({
    dir: join(dir, 'tracking'), clock: manualClock('2026-03-01T10:00:00Z'), log: silentLog, identity: IDENTITY, settings: testConfig(settings).tracking,
  });

  it('does nothing and writes nothing when tracking is off', async () => {
    const r = await create({});
    r.record(statusEvent());
    expect(r.health()).toEqual({ status: 'UP', details: { enabled: false } });
    expect(await readdir(dir)).toEqual([]);
  });

  it('reads the reference app.logger.* keys', () => {
    const { tracking } = testConfig({ 'app.logger.enableLogstash': 'true', 'app.logger.destination': 'logs.eformidling.no:443', 'app.logger.secureLogstash': 'true' });
    expect(tracking).toMatchObject({ enabled: true, transport: 'tcp', destination: 'logs.eformidling.no:443', tls: { enabled: true } });
  });

  it('refuses settings that cannot work, with the setting to fix', async () => {
    const cert = join(dir, 'client.pem');
    await writeFile(cert, 'not a certificate');
    const cases: Record<string, unknown>[] = [
      { 'efm.tracking.enabled': true },
      { 'efm.tracking.enabled': true, 'efm.tracking.transport': 'http' },
      { 'efm.tracking.enabled': true, 'efm.tracking.destination': 'h:1', 'efm.tracking.tls.enabled': true, 'efm.tracking.tls.certificate': cert },
      { 'efm.tracking.enabled': true, 'efm.tracking.destination': 'h:1', 'efm.tracking.tls.enabled': true, 'efm.tracking.tls.ca': join(dir, 'missing.pem') },
      { 'efm.tracking.enabled': true, 'efm.tracking.transport': 'http', 'efm.tracking.url': 'http://h/events', 'efm.tracking.tls.keystore': cert },
    ];
    const messages: string[] = [];
    for (const settings of cases) {
      const err: unknown = await create(settings).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TrackingConfigError);
      messages.push((err as TrackingConfigError).message);
    }
    expect(messages[0]).toContain('efm.tracking.destination');
    expect(messages[1]).toContain('efm.tracking.url');
    expect(messages[2]).toContain('efm.tracking.tls.key');
    expect(messages[3]).toContain('efm.tracking.tls.ca');
    expect(messages[4]).toContain('https');
  });

  it('reads host:port destinations, IPv6 in brackets included', () => {
    expect(parseDestination('test-logs.eformidling.no:80')).toEqual({ host: 'test-logs.eformidling.no', port: 80 });
    expect(parseDestination('[::1]:5044')).toEqual({ host: '::1', port: 5044 });
    expect(() => parseDestination('host:0')).toThrow(TrackingConfigError);
    expect(() => parseDestination('host')).toThrow(TrackingConfigError);
  });
});
