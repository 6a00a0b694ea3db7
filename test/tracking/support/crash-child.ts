// Run in a child process (bundled by the test): records events, delivers them over HTTP, and kills
// itself with SIGKILL inside the first acknowledgement — before the commit ("before-commit") or
// right after it ("after-commit") — so the test sees what a crash at that moment leaves behind.
import { systemClock } from '../../../src/clock/index.js';
import { createLogger } from '../../../src/logging/index.js';
import { ActiveTrackingReporter, HttpTransport, messageEvent, TrackingBuffer, type TrackingBufferPort } from '../../../src/tracking/index.js';

const [dir, url, countText, mode] = process.argv.slice(2);
if (dir === undefined || url === undefined || countText === undefined || (mode !== 'before-commit' && mode !== 'after-commit')) {
  throw new Error('usage: crash-child <dir> <url> <count> before-commit|after-commit');
}

const buffer = await TrackingBuffer.open({ dir, maxBytes: 64 * 1024 * 1024 });
const crashing: TrackingBufferPort = {
  append: (line) => buffer.append(line),
  read: (maxEvents, maxBytes) => buffer.read(maxEvents, maxBytes),
  stats: () => buffer.stats(),
  close: () => buffer.close(),
  acknowledge: async (batch, stored) => {
    if (mode === 'after-commit') await buffer.acknowledge(batch, stored);
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined);
  },
};
const reporter = new ActiveTrackingReporter({
  buffer: crashing,
  transport: new HttpTransport({ url, timeoutMs: 10_000 }),
  clock: systemClock,
  log: createLogger({ level: 'silent' }),
  identity: { orgNumber: '910077473', version: 'v0.1.0', hostname: 'crash-child' },
  batchMaxEvents: 1000,
  batchDelayMs: 1,
  initialBackoffMs: 10,
  maxBackoffMs: 100,
  bufferWarnBytes: 1024 * 1024,
});
for (let i = 0; i < Number(countText); i++) {
  reporter.record(messageEvent({ kind: 'downloaded', at: systemClock.now(), subject: { messageId: `m-${i}`, conversationId: `c-${i}` } }));
}
reporter.start();
