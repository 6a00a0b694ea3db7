import { closeSync, fdatasync, fsyncSync, ftruncateSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, stat, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { BufferState, Position } from './buffer-state.js';
import { comparePositions, readBufferState, syncDirectory, writeBufferState } from './buffer-state.js';
import type { BufferBatch, BufferEntry, BufferedEvent } from './port.js';
import { listSegments, readSegmentBytes, scanSegment, segmentPath, truncateSegment } from './segment-files.js';
import { eventIdOf } from './wire-document.js';

// The durable local buffer between record() and the collector: append-only segment files plus a
// state file naming the first unacknowledged event (see segment-files.ts and buffer-state.ts).
//
// Why files and not SQLite: append() is synchronous — one write(2) of one line on a file opened with
// O_APPEND — so an event is safe from a crash of the process the moment record() returns, and
// record() never awaits anything (the sqlite3 driver only offers asynchronous calls, which leave a
// window where a recorded event exists only in memory). The page cache is flushed with fdatasync once
// per `syncIntervalMs`, so a power loss can cost at most that last interval. Delivery only ever
// consumes a prefix of the log plus a few ids acknowledged out of order, which a cursor describes
// exactly; nothing needs an index.
//
// Size policy: past `maxBytes` the oldest segment is dropped whole, undelivered events included. When
// the collector has been away that long, the newest events (recent failures, which drive the central
// alerts, ops notes §3.3) are worth more than the oldest, whose day of statistics has already been
// counted; dropped events are counted in stats() and the reporter reports them.

const DEFAULTS = {
  segmentBytes: 16 * 1024 * 1024,
  /** A segment is at most a quarter of the limit, so dropping one frees room without emptying the buffer. */
  segmentsPerLimit: 4,
  minSegmentBytes: 4096,
  syncIntervalMs: 1000,
  readChunkBytes: 256 * 1024,
};

const NEWLINE = 0x0a;
const datasync = promisify(fdatasync);

export interface TrackingBufferOptions {
  dir: string;
  maxBytes: number;
  segmentBytes?: number;
  syncIntervalMs?: number;
}

export interface BufferStats {
  /** Recorded and not yet acknowledged by the collector. */
  pendingEvents: number;
  pendingBytes: number;
  /** Dropped by the size policy since the buffer was opened. */
  droppedEvents: number;
  /** Unreadable lines skipped since the buffer was opened. */
  corruptLines: number;
}

interface SegmentMeta {
  bytes: number;
  lines: number;
}

interface Plan {
  cursor: Position;
  cursorLine: number;
  passed: number;
  corrupt: number;
  acknowledged: Set<string>;
}

export class TrackingBuffer {
  private readonly segments = new Map<number, SegmentMeta>();
  private readonly acknowledged: Set<string>;
  private readonly segmentBytes: number;
  private readonly timer: NodeJS.Timeout;
  private activeSegment: number;
  private fd: number;
  private cursor: Position;
  /** Lines of the cursor's segment before the cursor. */
  private cursorLine: number;
  private unconsumedLines = 0;
  private dirty = false;
  private directoryDirty = false;
  private dropped = 0;
  private corrupt = 0;
  private closed = false;

  private constructor(private readonly o: TrackingBufferOptions, state: BufferState, segments: Map<number, SegmentMeta>, cursorLine: number) {
    for (const [n, meta] of segments) this.segments.set(n, meta);
    this.cursor = state.cursor;
    this.cursorLine = cursorLine;
    this.acknowledged = new Set(state.acknowledged);
    for (const [n, meta] of segments) if (n >= state.cursor.segment) this.unconsumedLines += meta.lines;
    this.unconsumedLines -= cursorLine;
    this.activeSegment = Math.max(...segments.keys());
    this.segmentBytes = Math.max(DEFAULTS.minSegmentBytes, Math.min(o.segmentBytes ?? DEFAULTS.segmentBytes, Math.floor(o.maxBytes / DEFAULTS.segmentsPerLimit)));
    this.fd = openSync(segmentPath(o.dir, this.activeSegment), 'a', 0o600);
    this.timer = setInterval(() => void this.sync(), o.syncIntervalMs ?? DEFAULTS.syncIntervalMs);
    this.timer.unref();
  }

  static async open(o: TrackingBufferOptions): Promise<TrackingBuffer> {
    await mkdir(o.dir, { recursive: true, mode: 0o700 });
    const saved = await readBufferState(o.dir);
    const all = await listSegments(o.dir);
    const first = all[0] ?? 1;
    let cursor = saved?.cursor ?? { segment: first, offset: 0 };
    // Segments before the cursor are delivered; their deletion was cut short.
    for (const n of all.filter((n) => n < cursor.segment)) await unlink(segmentPath(o.dir, n)).catch(() => undefined);
    const kept = all.filter((n) => n >= cursor.segment);
    if (kept[0] !== cursor.segment) cursor = { segment: kept[0] ?? cursor.segment, offset: 0 };
    const segments = new Map<number, SegmentMeta>();
    let cursorLine = 0;
    for (const n of kept) {
      const path = segmentPath(o.dir, n);
      const scan = await scanSegment(path, n === cursor.segment ? cursor.offset : 0);
      if ((await stat(path)).size > scan.bytes) await truncateSegment(path, scan.bytes);
      segments.set(n, { bytes: scan.bytes, lines: scan.lines });
      if (n === cursor.segment) {
        cursor = { segment: n, offset: Math.min(cursor.offset, scan.bytes) };
        cursorLine = scan.linesBefore;
      }
    }
    if (segments.size === 0) segments.set(cursor.segment, { bytes: 0, lines: 0 });
    return new TrackingBuffer(o, { cursor, acknowledged: saved?.acknowledged ?? [] }, segments, cursorLine);
  }

  /**
   * Appends one event document (one line, no newline inside) synchronously. Throws on an I/O error
   * (disk full), leaving the log as it was.
   */
  append(line: string): void {
    if (this.closed) throw new Error('the tracking buffer is closed');
    const data = Buffer.from(`${line}\n`, 'utf8');
    if (this.active().bytes > 0 && this.active().bytes + data.length > this.segmentBytes) this.roll();
    this.makeRoom(data.length);
    const meta = this.active();
    try {
      for (let written = 0; written < data.length;) written += writeSync(this.fd, data, written, data.length - written);
    } catch (err) {
      // A torn line would swallow the next event too.
      ftruncateSync(this.fd, meta.bytes);
      throw err;
    }
    meta.bytes += data.length;
    meta.lines++;
    this.unconsumedLines++;
    this.dirty = true;
  }

  /** The oldest unacknowledged events, in order, up to the limits (at least one event when any is pending). */
  async read(maxEvents: number, maxBytes: number): Promise<BufferBatch> {
    const entries: BufferEntry[] = [];
    const events: BufferedEvent[] = [];
    let bytes = 0;
    let position = { ...this.cursor };
    let chunkBytes = DEFAULTS.readChunkBytes;
    while (events.length < maxEvents && bytes < maxBytes) {
      const meta = this.segments.get(position.segment);
      if (!meta) break;
      if (position.offset >= meta.bytes) {
        if (position.segment === this.activeSegment) break;
        position = { segment: position.segment + 1, offset: 0 };
        continue;
      }
      const base = position.offset;
      const chunk = await readSegmentBytes(segmentPath(this.o.dir, position.segment), base, Math.min(chunkBytes, meta.bytes - base))
        .catch(() => undefined);
      // Undefined: the size policy dropped the segment meanwhile; deliver what was read.
      if (chunk === undefined) break;
      let start = 0;
      let newline = chunk.indexOf(NEWLINE);
      if (newline === -1) chunkBytes *= 2;
      while (newline !== -1 && events.length < maxEvents && bytes < maxBytes) {
        const line = chunk.toString('utf8', start, newline);
        position = { segment: position.segment, offset: base + newline + 1 };
        const entry = this.entryOf(line, position);
        entries.push(entry);
        if (entry.send && entry.eventId !== undefined) {
          events.push({ eventId: entry.eventId, line });
          bytes += line.length;
        }
        start = newline + 1;
        newline = chunk.indexOf(NEWLINE, start);
      }
    }
    return { events, entries };
  }

  /**
   * Records durably that the collector holds the given events of `batch` ('all': every one), before
   * anything else happens: the state file is replaced first, so an acknowledged event is never read
   * again, not even after a crash. Events of the batch that are not acknowledged stay pending.
   */
  async acknowledge(batch: BufferBatch, stored: ReadonlySet<string> | 'all'): Promise<void> {
    const plan = this.plan(batch, stored);
    if (plan.passed === 0 && plan.acknowledged.size === this.acknowledged.size) return;
    await writeBufferState(this.o.dir, { cursor: plan.cursor, acknowledged: [...plan.acknowledged] });
    // Planned again: the size policy may have moved the cursor while the state was written.
    const now = this.plan(batch, stored);
    this.cursor = now.cursor;
    this.cursorLine = now.cursorLine;
    this.unconsumedLines -= now.passed;
    this.corrupt += now.corrupt;
    this.acknowledged.clear();
    for (const id of now.acknowledged) this.acknowledged.add(id);
    await this.deleteDelivered();
  }

  stats(): BufferStats {
    let pendingBytes = -this.cursor.offset;
    for (const [n, meta] of this.segments) if (n >= this.cursor.segment) pendingBytes += meta.bytes;
    return {
      pendingEvents: Math.max(0, this.unconsumedLines - this.acknowledged.size),
      pendingBytes: Math.max(0, pendingBytes),
      droppedEvents: this.dropped,
      corruptLines: this.corrupt,
    };
  }

  /** Flushes appended events to the disk (group commit). */
  async sync(): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      await datasync(this.fd).catch(() => { this.dirty = true; });
    }
    if (this.directoryDirty) {
      this.directoryDirty = false;
      await syncDirectory(this.o.dir).catch(() => { this.directoryDirty = true; });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.sync();
    closeSync(this.fd);
  }

  private active(): SegmentMeta {
    const meta = this.segments.get(this.activeSegment);
    if (!meta) throw new Error('the active tracking segment is missing');
    return meta;
  }

  private entryOf(line: string, end: Position): BufferEntry {
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      return { end, send: false };
    }
    const eventId = eventIdOf(doc);
    return { eventId, end, send: eventId !== undefined && !this.acknowledged.has(eventId) };
  }

  private plan(batch: BufferBatch, stored: ReadonlySet<string> | 'all'): Plan {
    const plan: Plan = { cursor: this.cursor, cursorLine: this.cursorLine, passed: 0, corrupt: 0, acknowledged: new Set(this.acknowledged) };
    let inPrefix = true;
    for (const entry of batch.entries) {
      if (comparePositions(entry.end, plan.cursor) <= 0) continue;
      const done = !entry.send || stored === 'all' || (entry.eventId !== undefined && stored.has(entry.eventId));
      if (inPrefix && done) {
        plan.cursorLine = entry.end.segment === plan.cursor.segment ? plan.cursorLine + 1 : 1;
        plan.cursor = entry.end;
        plan.passed++;
        if (entry.eventId === undefined) plan.corrupt++;
        else plan.acknowledged.delete(entry.eventId);
        continue;
      }
      inPrefix = false;
      if (done && entry.eventId !== undefined) plan.acknowledged.add(entry.eventId);
    }
    return plan;
  }

  private roll(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.activeSegment++;
    this.segments.set(this.activeSegment, { bytes: 0, lines: 0 });
    this.fd = openSync(segmentPath(this.o.dir, this.activeSegment), 'a', 0o600);
    this.directoryDirty = true;
  }

  private makeRoom(bytes: number): void {
    let stored = 0;
    for (const meta of this.segments.values()) stored += meta.bytes;
    for (const [n, meta] of this.segments) {
      if (stored + bytes <= this.o.maxBytes || n === this.activeSegment) return;
      this.drop(n, meta);
      stored -= meta.bytes;
    }
  }

  private drop(segment: number, meta: SegmentMeta): void {
    if (segment === this.cursor.segment) {
      const lost = meta.lines - this.cursorLine;
      this.dropped += lost;
      this.unconsumedLines -= lost;
      this.cursor = { segment: segment + 1, offset: 0 };
      this.cursorLine = 0;
    }
    this.segments.delete(segment);
    try {
      unlinkSync(segmentPath(this.o.dir, segment));
    } catch {
      // Already gone: nothing is lost by that.
    }
  }

  private async deleteDelivered(): Promise<void> {
    for (;;) {
      const meta = this.segments.get(this.cursor.segment);
      if (!meta || this.cursor.segment === this.activeSegment || this.cursor.offset < meta.bytes) break;
      this.cursor = { segment: this.cursor.segment + 1, offset: 0 };
      this.cursorLine = 0;
    }
    for (const n of [...this.segments.keys()]) {
      if (n >= this.cursor.segment) break;
      this.segments.delete(n);
      await unlink(segmentPath(this.o.dir, n)).catch(() => undefined);
    }
  }
}
