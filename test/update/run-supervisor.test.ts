import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { runSupervisor } from '../../src/update/index.js';
import { createHarness, eventually, silentLog, type Harness } from './support.js';

describe(runSupervisor.name, () => {
  let h: Harness;

  beforeEach(async () => {
    h = await createHarness();
    await h.publish({ version: '1.0.0', tag: 'v1.0.0' });
    await h.setFeed('v1.0.0');
  });
  afterEach(async () => {
    await h.cleanup();
  });

  const run = (overrides: Record<string, unknown>, signal: AbortSignal) => runSupervisor({
    config: h.config(overrides), log: silentLog(), clock: systemClock, env: { FAKE_PORT: String(h.port) }, childArgs: [], signal, childOutput: 'ignore',
  });

  it('installs, runs and checks on start until the signal aborts, then drains the daemon and returns 0', async () => {
    await h.publish({ version: '1.1.0', tag: 'v1.1.0' });
    await h.setFeed('v1.1.0');
    const abort = new AbortController();
    const exit = run({}, abort.signal);

    const health = await eventually(async () => {
      const answer = await h.health();
      return answer?.version === '1.1.0' ? answer : undefined;
    });
    expect(health.status).toBe('UP');
    abort.abort();

    expect(await exit).toBe(0);
    expect(await h.health()).toBeUndefined();
    expect((await readFile(join(h.root, 'stopped.log'), 'utf8')).trim().split('\n')).toEqual(['1.1.0']);
  });

  it('exits with 2 when update checks are off and nothing is installed', async () => {
    expect(await run({ 'efm.update.enabled': false }, new AbortController().signal)).toBe(2);
    expect(await h.started()).toEqual([]);
  });

  it('exits with 2 when no public key is pinned, even with update checks off', async () => {
    expect(await run({ 'efm.update.public-key-paths': [], 'efm.update.enabled': false }, new AbortController().signal)).toBe(2);
  });

  it('exits with 2 when update checks are on without a feed or releases URL', async () => {
    expect(await run({ 'efm.update.feed-url': undefined }, new AbortController().signal)).toBe(2);
    expect(await run({ 'efm.update.releases-url': undefined }, new AbortController().signal)).toBe(2);
  });

  it('exits with 2 for a schedule or maintenance window it cannot read', async () => {
    expect(await run({ 'efm.update.schedule': 'every morning' }, new AbortController().signal)).toBe(2);
    expect(await run({ 'efm.update.maintenance-window': 'weekends' }, new AbortController().signal)).toBe(2);
  });

  it('takes the reference updater\'s property names', async () => {
    const config = h.config({
      'kosmos.integrasjonspunkt.autoRefresh': false, 'kosmos.launchTimeoutInMs': 1234, 'kosmos.blocklist.duration-in-hours': 3,
      'kosmos.schedulerCronExpression': '0 0 6 * * ?', 'kosmos.integrasjonspunkt.profile': 'staging',
    });
    expect(config.update).toMatchObject({ enabled: false, launchTimeout: 1234, schedule: '0 0 6 * * ?', environment: 'staging' });
    expect(config.update.blocklist.duration).toBe(3 * 3600_000);
  });
});
