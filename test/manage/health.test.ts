import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// /manage/health is open, as probes need (issue 2), and says DOWN with 503 when the store is gone.
describe('GET /manage/health', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  // The last test closes the store under the running daemon, so the daemon's own close fails on it.
  afterAll(async () => { await t.close().catch(() => undefined); });

  it('answers 200 UP without credentials', async () => {
    const res = await t.api('/manage/health', { auth: false });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'UP', components: { store: { status: 'UP' }, tracking: { status: 'UP' } } });
  });

  it('answers 200 also with credentials that would be refused elsewhere', async () => {
    const res = await t.api('/manage/health', { auth: false, headers: { authorization: 'Basic d3Jvbmc6d3Jvbmc=' } });
    expect(res.status).toBe(200);
  });

  it('answers 503 DOWN naming the store when the store cannot be reached', async () => {
    await t.daemon.store.close();
    const res = await t.api('/manage/health', { auth: false });
    expect(res.status).toBe(503);
    const body = await res.json() as { status: string; components: { store: { status: string } } };
    expect(body.status).toBe('DOWN');
    expect(body.components.store.status).toBe('DOWN');
  });
});
