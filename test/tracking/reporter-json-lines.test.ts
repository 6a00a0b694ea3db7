import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { JsonLinesCollector } from '../../src/sandbox/collector/index.js';
import type { TrackingEvent, TrackingReporter } from '../../src/tracking/index.js';
import { reporterFor, statusEvent, statusEvents } from './support/reporter.js';

const WAIT = { timeout: 20_000, interval: 20 };

describe('tracking over json_lines TCP', () => {
  let dir: string;
  let collector: JsonLinesCollector;
  const reporters: TrackingReporter[] = [];
  const open = async (settings: Record<string, unknown> = {}) => {
    const r = await reporterFor(join(dir, 'tracking'), { 'app.logger.destination': collector.destination, ...settings });
    reporters.push(r);
    return r;
  };
  const recordAll = (r: TrackingReporter, events: readonly TrackingEvent[]) => { for (const e of events) r.record(e); };
  const idsOf = (events: readonly TrackingEvent[]) => new Set(events.map((e) => e.eventId));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'efm-tracking-tcp-'));
    collector = await JsonLinesCollector.start({ clock: systemClock });
  });
  afterEach(async () => {
    for (const r of reporters.splice(0)) await r.stop();
    await collector.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers recorded events as one JSON document per line, with the reporter identity', async () => {
    const r = await open();
    const events = statusEvents(3);
    r.start();
    recordAll(r, events);
    await vi.waitFor(() => expect(collector.uniqueEventIds()).toEqual(idsOf(events)), WAIT);
    expect(collector.received()[0]?.document).toMatchObject({ logger_name: 'STATUS', orgnr: '910077473', appname: 'integrasjonspunkt', 'buildinfo.version': 'v0.1.0' });
    await vi.waitFor(() => expect(r.health()).toMatchObject({ status: 'UP', details: { pendingEvents: 0, deliveredEvents: 3 } }), WAIT);
  });

  it('holds every one of 1 000 events exactly once after dedup when the collector is down and resets connections meanwhile', async () => {
    const r = await open({ 'efm.tracking.batch-max-events': 50 });
    const events = statusEvents(1000);
    r.start();
    recordAll(r, events.slice(0, 300));
    await vi.waitFor(() => expect(collector.uniqueEventIds().size).toBeGreaterThan(0), WAIT);
    await collector.stop();
    recordAll(r, events.slice(300, 700));
    await vi.waitFor(() => expect(r.health()).toMatchObject({ status: 'DEGRADED', details: { degraded: ['collector unreachable'] } }), WAIT);
    expect((r.health().details.pendingEvents as number)).toBeGreaterThanOrEqual(400);
    // Back, but resetting connections after reading them: those batches must come again.
    collector.fail('reset');
    await collector.restart();
    const before = collector.received().length;
    await vi.waitFor(() => expect(collector.received().length).toBeGreaterThan(before), WAIT);
    collector.heal();
    recordAll(r, events.slice(700));
    await vi.waitFor(() => expect(collector.uniqueEventIds().size).toBe(1000), WAIT);
    expect(collector.uniqueEventIds()).toEqual(idsOf(events));
    expect(collector.received().length).toBeGreaterThan(1000);
    await vi.waitFor(() => expect(r.health()).toMatchObject({ status: 'UP', details: { pendingEvents: 0 } }), WAIT);
  });

  it('buffers records synchronously, without waiting for a collector that hangs', async () => {
    collector.fail('hang');
    const r = await open({ 'efm.tracking.request-timeout': '300ms' });
    r.start();
    r.record(statusEvent());
    await vi.waitFor(() => expect(collector.openConnections()).toBeGreaterThan(0), WAIT);
    // The reporter is now inside a delivery that will never be answered.
    const events = statusEvents(100, 1000);
    const results = events.map((e) => r.record(e));
    // Checked before any await: nothing here could have waited for the network.
    expect(results.every((x) => x === undefined)).toBe(true);
    expect(r.health().details.pendingEvents).toBe(101);
    const buffered = readdirSync(join(dir, 'tracking')).filter((n) => n.endsWith('.jsonl'))
      .map((n) => readFileSync(join(dir, 'tracking', n), 'utf8')).join('');
    for (const e of events) expect(buffered).toContain(e.eventId);
    collector.heal();
    await vi.waitFor(() => expect(collector.uniqueEventIds().size).toBe(101), WAIT);
  });

  it('resumes from its buffer after a restart: what was recorded while the collector was down arrives', async () => {
    await collector.stop();
    const first = await open();
    const events = statusEvents(50);
    first.start();
    recordAll(first, events);
    await first.stop();
    await collector.restart();
    const second = await open();
    expect(second.health().details.pendingEvents).toBe(50);
    second.start();
    await vi.waitFor(() => expect(collector.uniqueEventIds()).toEqual(idsOf(events)), WAIT);
  });
});
