import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock/index.js';
import { startConfigHub, type ConfigHub } from '../../src/sandbox/index.js';
import { arkivmeldingSbd } from '../support/sbd.js';
import { DEFAULT_NOW, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// Issue 6: a pushed document that changes an allowed key takes effect in the running daemon; a forged one and
// one with a disallowed key change nothing and show in health.
describe('centrally pushed configuration in a running daemon', () => {
  let hub: ConfigHub;
  let t: TestDaemon;
  const createPrint = () => t.api('/api/messages/out', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    // An arkivmelding whose business message breaks a documented rule (sikkerhetsnivaa must be 3 or 4).
    body: JSON.stringify(arkivmeldingSbd({ business: { hoveddokument: 'a.pdf', sikkerhetsnivaa: 7 } })),
  });
  const health = async () => (await (await t.api('/manage/health', { auth: false })).json()) as { status: string; components: Record<string, { status: string; details?: Record<string, unknown> }> };
  const runJob = async () => expect((await t.api('/manage/jobs/central-config/run', { method: 'POST' })).status).toBe(200);

  let keysDir: string;
  beforeAll(async () => {
    hub = await startConfigHub({ clock: fixedClock(DEFAULT_NOW) });
    keysDir = await mkdtemp(join(tmpdir(), 'efm-hub-keys-'));
    await hub.writeTrustedKeys(join(keysDir, 'hub.jwk'));
    t = await startTestDaemon({ config: {
      'efm.central-config.enabled': true, 'efm.central-config.url': hub.documentUrl(), 'efm.central-config.trusted-keys': join(keysDir, 'hub.jwk'),
    } });
  }, 60_000);
  afterAll(async () => { await t.close(); await hub.close(); await rm(keysDir, { recursive: true, force: true }); });

  it('applies an allowed hot key at once, and refuses forged and disallowed documents without changing anything', async () => {
    expect((await createPrint()).status).toBe(200);
    await hub.publish({ 'efm.validation.strict': true });
    await runJob();
    expect((await createPrint()).status).toBe(400);
    expect((await health()).components.centralConfig?.status).toBe('UP');

    await hub.publish({ 'efm.org.number': '123456789' });
    await runJob();
    const afterDisallowed = await health();
    expect(afterDisallowed.status).toBe('UP');
    expect(afterDisallowed.components.centralConfig?.status).toBe('DEGRADED');
    expect((await createPrint()).status).toBe(400);

    hub.serve('eyJhbGciOiJFUzI1NiJ9.eyJzZXR0aW5ncyI6e319.forged');
    await runJob();
    expect((await health()).components.centralConfig?.status).toBe('DEGRADED');
    expect(t.logLines.some((l) => l.includes('"module":"central-config"') && l.includes('"level":40'))).toBe(true);
  });
});
