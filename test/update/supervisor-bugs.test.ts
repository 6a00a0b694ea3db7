import { appendFile, copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256OfFile, Supervisor } from '../../src/update/index.js';
import { extractArchive } from '../../src/update/release-archive.js';
import { generateKeyPair } from './fake-release.js';
import { createHarness, eventually, type Harness } from './support.js';

// The three bugs of the reference updater (ops notes §1.2, §1.4, §1.5), each proved fixed.
describe(`${Supervisor.name}: the reference updater's bugs`, () => {
  let h: Harness;

  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  async function start(overrides: Record<string, unknown> = {}) {
    const built = await h.supervisor(overrides);
    await built.supervisor.start();
    return built;
  }

  describe('versions with or without a v prefix compare right', () => {
    it('finds the running 1.0.0 up to date with the feed\'s v1.0.0: no download, no restart', async () => {
      await h.publish({ version: '1.0.0', tag: '1.0.0' });
      await h.setFeed('1.0.0');
      const { supervisor } = await start();
      const before = await h.health();
      await h.setFeed('v1.0.0');

      expect(await supervisor.check()).toEqual({ outcome: 'up-to-date', version: '1.0.0' });
      expect(await h.health()).toEqual(before);
      expect(h.archiveDownloads()).toEqual(['/releases/download/1.0.0/efm-1.0.0.zip']);
      expect(await h.started()).toEqual(['1.0.0']);
    });

    it('moves from 1.9.0 to v1.10.0, which a text comparison calls older', async () => {
      await h.publish({ version: '1.9.0', tag: 'v1.9.0' });
      await h.setFeed('v1.9.0');
      const { supervisor } = await start();
      await h.publish({ version: '1.10.0', tag: 'v1.10.0' });
      await h.setFeed('v1.10.0');

      expect(await supervisor.check()).toMatchObject({ outcome: 'updated', version: '1.10.0' });
      expect((await h.health())?.version).toBe('1.10.0');
    });
  });

  describe('an unverified artifact is never started, not even after a restart', () => {
    beforeEach(async () => {
      await h.publish({ version: '1.0.0', tag: 'v1.0.0' });
      await h.setFeed('v1.0.0');
    });

    it('checks a refused release again at every check instead of trusting the file it left on disk', async () => {
      const { supervisor } = await start({ 'efm.update.blocklist.enabled': false });
      await h.publish({ version: '1.1.0', tag: 'v1.1.0', signWith: await generateKeyPair('stranger') });
      await h.setFeed('v1.1.0');

      expect(await supervisor.check()).toMatchObject({ outcome: 'refused', code: 'EFM_UPDATE_SIGNER_UNKNOWN' });
      expect(await supervisor.check()).toMatchObject({ outcome: 'refused', code: 'EFM_UPDATE_SIGNER_UNKNOWN' });
      expect(h.archiveDownloads().filter((u) => u.includes('1.1.0'))).toHaveLength(2);
      expect(await readdir(join(h.root, 'versions'))).toEqual(['1.0.0']);
      expect(await h.started()).toEqual(['1.0.0']);
    });

    it('after a restart, refuses a version placed on disk with a forged record and falls back to the allow-listed one', async () => {
      const first = await start();
      const stranger = await generateKeyPair('stranger');
      const { archive, signature } = await h.build({ version: '1.1.0', signWith: stranger });
      await first.close();
      // What the reference would have left behind and later started: the files of a release that failed
      // its check, with `current` pointing at it and a record claiming it was verified.
      const release = join(h.root, 'releases', '1.1.0');
      await mkdir(release, { recursive: true });
      await copyFile(archive, join(release, 'efm-1.1.0.zip'));
      await writeFile(join(release, 'efm-1.1.0.zip.sha256'), await sha256OfFile(archive));
      await writeFile(join(release, 'efm-1.1.0.zip.asc'), signature);
      const record = JSON.parse(await readFile(join(h.root, 'releases', '1.0.0', 'installed.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(release, 'installed.json'), JSON.stringify({ ...record, tag: '1.1.0', version: '1.1.0', archiveSha256: await sha256OfFile(archive) }));
      await extractArchive(archive, join(h.root, 'versions', '1.1.0'));
      await writeFile(join(h.root, 'current'), '1.1.0\n');

      await start();

      expect((await h.health())?.version).toBe('1.0.0');
      expect(await h.started()).toEqual(['1.0.0', '1.0.0']);
      expect((await readFile(join(h.root, 'current'), 'utf8')).trim()).toBe('1.0.0');
      expect(await readdir(join(h.root, 'versions'))).toEqual(['1.0.0']);
      expect(await readdir(join(h.root, 'quarantine'))).toHaveLength(1);
    });

    it('after a restart, refuses a verified version whose files were changed since, and installs it afresh at the next check', async () => {
      const first = await start();
      await h.publish({ version: '1.1.0', tag: 'v1.1.0' });
      await h.setFeed('v1.1.0');
      expect(await first.supervisor.check()).toMatchObject({ outcome: 'updated' });
      await first.close();
      const script = join(h.root, 'versions', '1.1.0', 'bin', 'daemon.mjs');
      const genuine = await readFile(script, 'utf8');
      await appendFile(script, '\n// changed after install\n');

      const second = await start();

      expect(await h.health()).toBeUndefined();
      expect(await h.started()).toEqual(['1.0.0', '1.1.0']);
      const [quarantined] = await readdir(join(h.root, 'quarantine'));
      expect(await readFile(join(h.root, 'quarantine', quarantined ?? '', 'tree', 'bin', 'daemon.mjs'), 'utf8')).toContain('changed after install');

      expect(await second.supervisor.check()).toMatchObject({ outcome: 'updated', version: '1.1.0' });
      expect((await h.health())?.version).toBe('1.1.0');
      expect(await readFile(script, 'utf8')).toBe(genuine);
    });
  });

  describe('turning off auto-refresh never stops restarts of a crashed daemon', () => {
    it('restarts a killed daemon while update checks are off', async () => {
      await h.publish({ version: '1.0.0', tag: 'v1.0.0' });
      await h.setFeed('v1.0.0');
      await (await start()).close();

      const { supervisor } = await start({ 'efm.update.enabled': false });
      const crashed = await h.health();
      expect(crashed?.version).toBe('1.0.0');
      process.kill(crashed?.pid ?? 0, 'SIGKILL');

      const restarted = await eventually(async () => {
        const health = await h.health();
        return health && health.pid !== crashed?.pid ? health : undefined;
      });
      expect(restarted).toMatchObject({ status: 'UP', version: '1.0.0' });
      expect(await h.started()).toEqual(['1.0.0', '1.0.0', '1.0.0']);
      expect(await supervisor.check()).toEqual({ outcome: 'disabled' });
    });

    it('keeps restarting a daemon that crashes again and again', async () => {
      await h.publish({ version: '1.0.0', tag: 'v1.0.0' });
      await h.setFeed('v1.0.0');
      await (await start()).close();
      await start({ 'efm.update.enabled': false });
      for (let crash = 0; crash < 3; crash++) {
        const health = await eventually(() => h.health());
        process.kill(health.pid, 'SIGKILL');
        await eventually(async () => {
          const next = await h.health();
          return next && next.pid !== health.pid ? next : undefined;
        });
      }
      expect(await h.started()).toHaveLength(5);
    });
  });
});
