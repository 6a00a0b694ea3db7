import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock/index.js';
import { startTrackingCollector, type TrackingCollector } from '../../src/sandbox/index.js';
import { arkivmeldingSbd, messageIdOf } from '../support/sbd.js';
import { DEFAULT_NOW, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// Issue 6: every status change of a running daemon reaches the central collector, and tracking shows in health.
describe('central tracking in a running daemon', () => {
  let collector: TrackingCollector;
  let t: TestDaemon;

  beforeAll(async () => {
    collector = await startTrackingCollector({ clock: fixedClock(DEFAULT_NOW), host: '127.0.0.1' });
    t = await startTestDaemon({ config: {
      'efm.tracking.enabled': true, 'efm.tracking.transport': 'http', 'efm.tracking.url': `${collector.http.url}`, 'efm.tracking.batch-delay': '50ms',
    } });
  }, 60_000);
  afterAll(async () => { await t.close(); await collector.close(); });

  it('reports the OPPRETTET of a new message to the collector, and shows tracking in health', async () => {
    const sbd = arkivmeldingSbd();
    const id = messageIdOf(sbd);
    expect((await t.api('/api/messages/out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sbd) })).status).toBe(200);
    const deadline = Date.now() + 10_000;
    let found: Record<string, unknown> | undefined;
    while (!found && Date.now() < deadline) {
      found = collector.http.stored().map((e) => e.document).find((d) => JSON.stringify(d).includes(id));
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found, 'the status event reached the collector').toBeDefined();
    expect(JSON.stringify(found)).toContain('OPPRETTET');
    const health = (await (await t.api('/manage/health', { auth: false })).json()) as { components: Record<string, { status: string }> };
    expect(health.components.tracking?.status).toBe('UP');
  });
});
