import { createReadStream } from 'node:fs';
import { open, readdir, truncate } from 'node:fs/promises';
import { join } from 'node:path';

// The buffer's events live in numbered append-only segment files, one JSON document per line. Only
// the newest segment is written to; a segment is deleted whole once every event in it is delivered
// (or when the size limit drops it), so no file is ever rewritten.

const SEGMENT_NAME = /^(\d{12})\.jsonl$/;
const NEWLINE = 0x0a;

export function segmentPath(dir: string, segment: number): string {
  return join(dir, `${String(segment).padStart(12, '0')}.jsonl`);
}

export async function listSegments(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names.flatMap((name) => {
    const m = SEGMENT_NAME.exec(name);
    return m ? [Number(m[1])] : [];
  }).sort((a, b) => a - b);
}

export interface SegmentScan {
  /** Bytes up to and including the last newline: a line after it was torn by a crash. */
  bytes: number;
  lines: number;
  /** Lines that end at or before `offset`. */
  linesBefore: number;
}

/** Streams the segment once to count its lines; never holds it in memory. */
export async function scanSegment(path: string, offset = 0): Promise<SegmentScan> {
  let position = 0;
  let bytes = 0;
  let lines = 0;
  let linesBefore = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let i = chunk.indexOf(NEWLINE);
    while (i !== -1) {
      const end = position + i + 1;
      lines++;
      if (end <= offset) linesBefore++;
      bytes = end;
      i = chunk.indexOf(NEWLINE, i + 1);
    }
    position += chunk.length;
  }
  return { bytes, lines, linesBefore };
}

/** Cuts a torn last line, so the next append starts on a line of its own. */
export async function truncateSegment(path: string, bytes: number): Promise<void> {
  await truncate(path, bytes);
}

/** Reads up to `length` bytes at `offset`. */
export async function readSegmentBytes(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
