import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { HttpCollector } from '../../src/sandbox/collector/index.js';
import type { TrackingEvent, TrackingReporter } from '../../src/tracking/index.js';
import { reporterFor, statusEvent, statusEvents } from './support/reporter.js';

const WAIT = { timeout: 20_000, interval: 20 };

describe('tracking over HTTP with acknowledgements', () => {
  let dir: string;
  let collector: HttpCollector;
  const reporters: TrackingReporter[] = [];
  const open = async (settings: Record<string, unknown> = {}) => {
    const r = await reporterFor(join(dir, 'tracking'), { 'efm.tracking.transport': 'http', 'efm.tracking.url': collector.url, ...settings });
    reporters.push(r);
    return r;
  };
  const recordAll = (r: TrackingReporter, events: readonly TrackingEvent[]) => { for (const e of events) r.record(e); };
  const storedIds = () => new Set(collector.stored().map((e) => e.eventId));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'efm-tracking-http-'));
    collector = await HttpCollector.start({ clock: systemClock });
  });
  afterEach(async () => {
    for (const r of reporters.splice(0)) await r.stop();
    await collector.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers recorded events and the collector acknowledges each of them', async () => {
    const r = await open();
    const events = statusEvents(5);
    r.start();
    recordAll(r, events);
    await vi.waitFor(() => expect(r.health().details).toMatchObject({ pendingEvents: 0, deliveredEvents: 5 }), WAIT);
    expect(collector.stored().map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    expect(collector.totalArrivals()).toBe(5);
  });

  it('holds 1 000 events exactly once through an outage, lost answers and partial acks, and gets no acknowledged event twice', async () => {
    const r = await open({ 'efm.tracking.batch-max-events': 40, 'efm.tracking.request-timeout': '300ms' });
    const events = statusEvents(1000);
    r.start();
    recordAll(r, events.slice(0, 200));
    await vi.waitFor(() => expect(collector.stored().length).toBeGreaterThan(0), WAIT);
    await collector.stop();
    recordAll(r, events.slice(200, 400));
    await vi.waitFor(() => expect(r.health().status).toBe('DEGRADED'), WAIT);
    await collector.restart();
    const modes = ['unavailable', 'drop-answer', 'partial', 'hang'] as const;
    for (const [i, mode] of modes.entries()) {
      collector.fail(mode);
      const arrivals = collector.totalArrivals();
      const failures = r.health().details.failedAttempts;
      recordAll(r, events.slice(400 + 100 * i, 500 + 100 * i));
      await vi.waitFor(() => expect(collector.totalArrivals() > arrivals || r.health().details.failedAttempts !== failures).toBe(true), WAIT);
    }
    collector.heal();
    recordAll(r, events.slice(800));
    await vi.waitFor(() => expect(storedIds().size).toBe(1000), WAIT);
    expect(storedIds()).toEqual(new Set(events.map((e) => e.eventId)));
    await vi.waitFor(() => expect(r.health()).toMatchObject({ status: 'UP', details: { pendingEvents: 0 } }), WAIT);
    // Lost answers and partial acks made events come again; none of them had been acknowledged.
    expect(collector.totalArrivals()).toBeGreaterThan(1000);
    expect(collector.repeatsAfterAck()).toEqual([]);
  });

  it('counts only what the collector acknowledged as delivered: after a partial answer the rest comes again', async () => {
    collector.fail('partial');
    const r = await open();
    const events = statusEvents(10);
    recordAll(r, events);
    r.start();
    await vi.waitFor(() => expect(collector.stored().length).toBeGreaterThanOrEqual(5), WAIT);
    collector.heal();
    await vi.waitFor(() => expect(storedIds()).toEqual(new Set(events.map((e) => e.eventId))), WAIT);
    expect(collector.totalArrivals()).toBe(10);
    expect(collector.repeatsAfterAck()).toEqual([]);
  });

  it('sends nothing acknowledged again after a restart of the reporter', async () => {
    const first = await open();
    const events = statusEvents(30);
    first.start();
    recordAll(first, events);
    await vi.waitFor(() => expect(first.health().details.pendingEvents).toBe(0), WAIT);
    await first.stop();
    const second = await open();
    const more = statusEvents(3, 100);
    second.start();
    recordAll(second, more);
    await vi.waitFor(() => expect(collector.stored()).toHaveLength(33), WAIT);
    expect(collector.totalArrivals()).toBe(33);
    expect(collector.repeatsAfterAck()).toEqual([]);
  });

  describe('when the reporter process is killed inside the acknowledgement', () => {
    let bundleDir: string;
    let child: string;
    beforeAll(async () => {
      bundleDir = await mkdtemp(join(tmpdir(), 'efm-tracking-child-'));
      child = join(bundleDir, 'crash-child.mjs');
      await build({
        entryPoints: [resolve(import.meta.dirname, 'support/crash-child.ts')],
        outfile: child,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
        logLevel: 'silent',
      });
    });
    afterAll(async () => { await rm(bundleDir, { recursive: true, force: true }); });

    const runChild = (mode: 'before-commit' | 'after-commit', count: number) => new Promise<NodeJS.Signals | null>((done, fail) => {
      const p = spawn(process.execPath, [child, join(dir, 'tracking'), collector.url, String(count), mode], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      p.on('error', fail);
      p.on('exit', (code, signal) => (signal ? done(signal) : fail(new Error(`child exited ${code}: ${stderr}`))));
    });

    it('after the collector answered but before the commit: the batch comes again once and is stored once', async () => {
      expect(await runChild('before-commit', 25)).toBe('SIGKILL');
      expect(collector.stored()).toHaveLength(25);
      const acknowledgedBeforeCrash = collector.stored().map((e) => e.eventId);
      const next = await open();
      expect(next.health().details.pendingEvents).toBe(25);
      next.start();
      await vi.waitFor(() => expect(next.health().details.pendingEvents).toBe(0), WAIT);
      // The answer died with the process, so the reporter never held these as acknowledged.
      expect(collector.stored()).toHaveLength(25);
      for (const id of acknowledgedBeforeCrash) expect(collector.arrivalsOf(id ?? '')).toBe(2);
      await next.stop();
      // Once committed, never again.
      const last = await open();
      last.start();
      last.record(statusEvent());
      await vi.waitFor(() => expect(collector.stored()).toHaveLength(26), WAIT);
      for (const id of acknowledgedBeforeCrash) expect(collector.arrivalsOf(id ?? '')).toBe(2);
    });

    it('right after the commit: nothing of the batch is sent again', async () => {
      expect(await runChild('after-commit', 25)).toBe('SIGKILL');
      expect(collector.stored()).toHaveLength(25);
      const next = await open();
      expect(next.health().details.pendingEvents).toBe(0);
      next.start();
      next.record(statusEvent());
      await vi.waitFor(() => expect(collector.stored()).toHaveLength(26), WAIT);
      expect(collector.totalArrivals()).toBe(26);
      expect(collector.repeatsAfterAck()).toEqual([]);
    });
  });
});
