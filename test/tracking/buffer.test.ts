import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrackingBuffer } from '../../src/tracking/index.js';

const line = (id: string, pad = 0) => JSON.stringify({ event_id: id, message: 'x'.repeat(pad) });
const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `e${from + i}`);

describe(TrackingBuffer.name, () => {
  let dir: string;
  const open: TrackingBuffer[] = [];
  const openBuffer = async (maxBytes = 1024 * 1024, segmentBytes?: number) => {
    const b = await TrackingBuffer.open({ dir, maxBytes, ...(segmentBytes === undefined ? {} : { segmentBytes }) });
    open.push(b);
    return b;
  };
  const readIds = async (b: TrackingBuffer, max = 10_000) => (await b.read(max, 64 * 1024 * 1024)).events.map((e) => e.eventId);

  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'efm-tracking-buffer-')); });
  afterEach(async () => {
    for (const b of open.splice(0)) await b.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps appended events, in order, for a buffer opened later on the same directory without a close', async () => {
    const first = await openBuffer();
    for (const id of ids(5)) first.append(line(id));
    // No close(): the second instance sees what a restarted process would.
    const second = await openBuffer();
    expect(await readIds(second)).toEqual(ids(5));
    expect(second.stats().pendingEvents).toBe(5);
  });

  it('never reads an acknowledged event again, also after reopening, and deletes delivered segments', async () => {
    const b = await openBuffer(1024 * 1024, 4096);
    for (const id of ids(100)) b.append(line(id, 50));
    const batch = await b.read(60, 1 << 30);
    await b.acknowledge(batch, 'all');
    expect(await readIds(b)).toEqual(ids(40, 60));
    await b.close();
    const again = await openBuffer(1024 * 1024, 4096);
    expect(await readIds(again)).toEqual(ids(40, 60));
    expect(again.stats().pendingEvents).toBe(40);
    const segments = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
    expect(segments.length).toBeLessThan(3);
  });

  it('keeps out-of-order acknowledgements: only the events not acknowledged are read again', async () => {
    const b = await openBuffer();
    for (const id of ids(6)) b.append(line(id));
    const batch = await b.read(10, 1 << 30);
    await b.acknowledge(batch, new Set(['e0', 'e2', 'e5']));
    expect(await readIds(b)).toEqual(['e1', 'e3', 'e4']);
    expect(b.stats().pendingEvents).toBe(3);
    await b.close();
    const again = await openBuffer();
    expect(await readIds(again)).toEqual(['e1', 'e3', 'e4']);
    expect(again.stats().pendingEvents).toBe(3);
    await again.acknowledge(await again.read(10, 1 << 30), new Set(['e1', 'e3', 'e4']));
    expect(again.stats().pendingEvents).toBe(0);
    expect(await readIds(again)).toEqual([]);
  });

  it('cuts a line torn by a crash, and appends after it stay readable', async () => {
    const b = await openBuffer();
    b.append(line('e0'));
    await b.close();
    const [segment] = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
    await appendFile(join(dir, segment ?? ''), '{"event_id":"torn","mess');
    const again = await openBuffer();
    again.append(line('e1'));
    expect(await readIds(again)).toEqual(['e0', 'e1']);
  });

  it('skips an unreadable line instead of stopping delivery', async () => {
    const b = await openBuffer();
    b.append(line('e0'));
    b.append('not json');
    b.append(line('e1'));
    const batch = await b.read(10, 1 << 30);
    expect(batch.events.map((e) => e.eventId)).toEqual(['e0', 'e1']);
    await b.acknowledge(batch, 'all');
    expect(b.stats()).toMatchObject({ pendingEvents: 0, corruptLines: 1 });
  });

  it('drops the oldest segment when full, counts the dropped events and keeps the newest', async () => {
    const b = await openBuffer(16 * 1024, 4096);
    for (const id of ids(400)) b.append(line(id, 60));
    const stats = b.stats();
    expect(stats.droppedEvents).toBeGreaterThan(0);
    expect(stats.pendingBytes).toBeLessThanOrEqual(16 * 1024);
    expect(stats.pendingEvents + stats.droppedEvents).toBe(400);
    const left = await readIds(b);
    expect(left).toHaveLength(stats.pendingEvents);
    expect(left.at(-1)).toBe('e399');
    expect(left[0]).toBe(`e${stats.droppedEvents}`);
  });

  it('reads at most the asked number of events, across segments', async () => {
    const b = await openBuffer(1024 * 1024, 4096);
    for (const id of ids(300)) b.append(line(id, 40));
    const batch = await b.read(250, 1 << 30);
    expect(batch.events.map((e) => e.eventId)).toEqual(ids(250));
    expect(b.stats().pendingEvents).toBe(300);
  });
});
