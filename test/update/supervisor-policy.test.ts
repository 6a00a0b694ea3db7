import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock/index.js';
import { Supervisor } from '../../src/update/index.js';
import { createHarness, type Harness } from './support.js';

// Block list, allow list, maintenance window and the API major guard, with A (1.0.0, API major 2) running.
// The clock starts on Wednesday 2099-03-25 13:00 in Oslo: after the test keys and signatures were made
// (a signature from the clock's future is refused), and before the switch to summer time on the 29th.
describe(`${Supervisor.name}: update policy`, () => {
  let h: Harness;

  beforeEach(async () => {
    h = await createHarness();
    await h.publish({ version: '1.0.0', tag: 'v1.0.0', apiMajor: 2 });
    await h.setFeed('v1.0.0');
  });
  afterEach(async () => {
    await h.cleanup();
  });

  async function start(overrides: Record<string, unknown> = {}, clock = manualClock('2099-03-25T12:00:00Z')) {
    const built = await h.supervisor(overrides, clock);
    await built.supervisor.start();
    return { ...built, clock };
  }

  describe('block list', () => {
    it('does not download a version an operator block-listed by hand until the block expires', async () => {
      const { supervisor, clock } = await start();
      await h.publish({ version: '1.1.0', tag: 'v1.1.0' });
      await h.setFeed('v1.1.0');
      await writeFile(join(h.root, 'efm-1.1.0.blocklisted'), '2099-03-25T15:00:00');

      expect(await supervisor.check()).toEqual({ outcome: 'blocked', version: '1.1.0', file: join(h.root, 'efm-1.1.0.blocklisted') });
      expect(h.archiveDownloads().filter((u) => u.includes('1.1.0'))).toEqual([]);

      clock.set('2099-03-25T14:00:01Z'); // 15:00:01 in Oslo
      expect(await supervisor.check()).toMatchObject({ outcome: 'updated', version: '1.1.0' });
      expect(await readdir(h.root)).not.toContain('efm-1.1.0.blocklisted');
    });

    it('block-lists a refused version for the configured time only when the block list is on', async () => {
      const { supervisor } = await start({ 'efm.update.blocklist.duration': 5 });
      const folder = await h.hub.publish({ tag: 'v1.1.0', ...(await h.build({ version: '1.1.0' })) });
      await writeFile(join(folder, 'efm-v1.1.0.zip.sha256'), '0'.repeat(64));
      await h.setFeed('v1.1.0');

      expect(await supervisor.check()).toMatchObject({ outcome: 'refused', code: 'EFM_UPDATE_DIGEST_MISMATCH' });
      expect(await readFile(join(h.root, 'efm-v1.1.0.blocklisted'), 'utf8')).toBe('2099-03-25T18:00:00');
    });
  });

  describe('allow list', () => {
    it('starts the allow-listed version when the current pointer is gone', async () => {
      const first = await start();
      await h.publish({ version: '1.1.0', tag: 'v1.1.0' });
      await h.setFeed('v1.1.0');
      await first.supervisor.check();
      await first.close();
      await rm(join(h.root, 'current'));

      await start();

      expect((await h.health())?.version).toBe('1.1.0');
    });

    it('rolls a version on trial back to the allow-listed one when the supervisor died mid-switch', async () => {
      const first = await start({ 'efm.update.maintenance-window': 'MON-FRI 02:00-04:00' });
      await h.publish({ version: '1.1.0', tag: 'v1.1.0', behaviour: 'never-healthy' });
      await h.setFeed('v1.1.0');
      expect(await first.supervisor.check()).toEqual({ outcome: 'staged', version: '1.1.0' });
      await first.close();
      await writeFile(join(h.root, 'current'), '1.1.0\n');

      await start({ 'efm.update.launch-timeout': '1s' });

      expect((await h.health())?.version).toBe('1.0.0');
      expect((await readFile(join(h.root, 'current'), 'utf8')).trim()).toBe('1.0.0');
      expect(await h.started()).toEqual(['1.0.0', '1.1.0', '1.0.0']);
      expect((await readdir(h.root)).filter((f) => f.endsWith('.allowlisted'))).toEqual(['efm-v1.0.0.allowlisted']);
    });
  });

  describe('maintenance window', () => {
    it('downloads and verifies outside the window but switches only inside it (Oslo time), without downloading again', async () => {
      const { supervisor, clock } = await start({ 'efm.update.maintenance-window': 'MON-FRI 02:00-04:00' });
      const before = await h.health();
      await h.publish({ version: '1.1.0', tag: 'v1.1.0' });
      await h.setFeed('v1.1.0');

      expect(await supervisor.check()).toEqual({ outcome: 'staged', version: '1.1.0' });
      expect(await h.health()).toEqual(before);
      expect((await readdir(join(h.root, 'versions'))).sort()).toEqual(['1.0.0', '1.1.0']);

      clock.set('2099-03-30T00:30:00Z'); // Monday 02:30 CEST
      expect(await supervisor.check()).toMatchObject({ outcome: 'updated', version: '1.1.0' });
      expect((await h.health())?.version).toBe('1.1.0');
      expect(h.archiveDownloads().filter((u) => u.includes('1.1.0'))).toHaveLength(1);
    });
  });

  describe('API major guard', () => {
    it('holds back a release of a new API major and discards its download', async () => {
      const { supervisor } = await start();
      await h.publish({ version: '2.0.0', tag: 'v2.0.0', apiMajor: 3 });
      await h.setFeed('v2.0.0');

      const result = await supervisor.check();

      expect(result).toMatchObject({ outcome: 'held', version: '2.0.0' });
      expect(result.outcome === 'held' ? result.reason : '').toContain('efm.update.allowed-api-major=3');
      expect((await h.health())?.version).toBe('1.0.0');
      expect(await readdir(join(h.root, 'versions'))).toEqual(['1.0.0']);
      expect(await readdir(h.root)).not.toContain('efm-v2.0.0.blocklisted');
    });

    it('moves to the new API major once the operator allows it', async () => {
      const { supervisor } = await start({ 'efm.update.allowed-api-major': 3 });
      await h.publish({ version: '2.0.0', tag: 'v2.0.0', apiMajor: 3 });
      await h.setFeed('v2.0.0');

      expect(await supervisor.check()).toMatchObject({ outcome: 'updated', version: '2.0.0' });
    });

    it('lets a new product major through that keeps the API major', async () => {
      const { supervisor } = await start();
      await h.publish({ version: '2.0.0', tag: 'v2.0.0', apiMajor: 2 });
      await h.setFeed('v2.0.0');

      expect(await supervisor.check()).toMatchObject({ outcome: 'updated', version: '2.0.0' });
    });
  });

  it('follows the earlybird channel when told to', async () => {
    const { supervisor } = await start({ 'kosmos.integrasjonspunkt.earlybird': true });
    await h.publish({ version: '1.1.0-rc.1', tag: 'v1.1.0-rc.1' });
    await h.setFeed('v1.0.0', 'v1.1.0-rc.1');

    expect(await supervisor.check()).toMatchObject({ outcome: 'updated', version: '1.1.0-rc.1' });
  });
});
