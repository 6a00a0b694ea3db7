import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Supervisor } from '../../src/update/index.js';
import { generateKeyPair } from './fake-release.js';
import { createHarness, type Harness } from './support.js';

// Version A updates to B under a running supervisor, and every way a release can be refused leaves A
// running: real fake-daemon processes, the real hub over HTTP, real files.
describe(Supervisor.name, () => {
  let h: Harness;

  beforeEach(async () => {
    h = await createHarness();
    await h.publish({ version: '1.0.0', tag: 'v1.0.0' });
    await h.setFeed('v1.0.0');
  });

  afterEach(async () => {
    await h.cleanup();
  });

  async function runningA() {
    const { supervisor } = await h.supervisor();
    await supervisor.start();
    const health = await h.health();
    expect(health?.version).toBe('1.0.0');
    return { supervisor, pidA: health?.pid };
  }

  it('installs the feed version on first start and runs it', async () => {
    const { supervisor, pidA } = await runningA();
    expect(supervisor.status()).toMatchObject({ state: 'running', version: '1.0.0', pid: pidA });
    expect((await readFile(join(h.root, 'current'), 'utf8')).trim()).toBe('1.0.0');
    expect(await readdir(h.root)).toContain('efm-v1.0.0.allowlisted');
  });

  it('updates A to B: drains A, moves current, starts B healthy, allow-lists B instead of A', async () => {
    const { supervisor, pidA } = await runningA();
    await h.publish({ version: '1.1.0', tag: 'v1.1.0' });
    await h.setFeed('v1.1.0');

    const result = await supervisor.check();

    expect(result).toEqual({ outcome: 'updated', version: '1.1.0', from: '1.0.0' });
    const health = await h.health();
    expect(health?.version).toBe('1.1.0');
    expect(health?.pid).not.toBe(pidA);
    expect((await readFile(join(h.root, 'current'), 'utf8')).trim()).toBe('1.1.0');
    expect((await readFile(join(h.root, 'stopped.log'), 'utf8')).trim()).toBe('1.0.0');
    const files = await readdir(h.root);
    expect(files).toContain('efm-v1.1.0.allowlisted');
    expect(files).not.toContain('efm-v1.0.0.allowlisted');
  });

  it('refuses a tampered archive (digest mismatch), keeps A running and block-lists B', async () => {
    const { supervisor, pidA } = await runningA();
    const folder = await h.hub.publish({ tag: 'v1.1.0', ...(await h.build({ version: '1.1.0' })) });
    const other = await h.build({ version: '1.1.0', behaviour: 'never-healthy' });
    await writeFile(join(folder, 'efm-v1.1.0.zip'), await readFile(other.archive));
    await h.setFeed('v1.1.0');

    const result = await supervisor.check();

    expect(result).toMatchObject({ outcome: 'refused', version: '1.1.0', code: 'EFM_UPDATE_DIGEST_MISMATCH' });
    expect(await h.health()).toMatchObject({ version: '1.0.0', pid: pidA });
    expect(await h.started()).toEqual(['1.0.0']);
    expect(await readdir(join(h.root, 'versions'))).toEqual(['1.0.0']);
    expect(await readdir(h.root)).toContain('efm-v1.1.0.blocklisted');
  });

  it('refuses an archive whose digest was updated with it but whose signature no longer fits', async () => {
    const { supervisor, pidA } = await runningA();
    const genuine = await h.build({ version: '1.1.0' });
    const forged = await h.build({ version: '1.1.0', behaviour: 'never-healthy' });
    await h.hub.publish({ tag: 'v1.1.0', archive: forged.archive, signature: genuine.signature });
    await h.setFeed('v1.1.0');

    const result = await supervisor.check();

    expect(result).toMatchObject({ outcome: 'refused', code: 'EFM_UPDATE_SIGNATURE_INVALID' });
    expect(await h.health()).toMatchObject({ version: '1.0.0', pid: pidA });
    expect(await h.started()).toEqual(['1.0.0']);
  });

  it('refuses an archive signed by a key that is not pinned, and keeps A running', async () => {
    const { supervisor, pidA } = await runningA();
    await h.publish({ version: '1.1.0', tag: 'v1.1.0', signWith: await generateKeyPair('someone else') });
    await h.setFeed('v1.1.0');

    const result = await supervisor.check();

    expect(result).toMatchObject({ outcome: 'refused', code: 'EFM_UPDATE_SIGNER_UNKNOWN' });
    expect(await h.health()).toMatchObject({ version: '1.0.0', pid: pidA });
    expect(await h.started()).toEqual(['1.0.0']);
  });

  it('rolls back to A when B never becomes healthy, and block-lists B', async () => {
    const { supervisor } = await runningA();
    await h.publish({ version: '1.1.0', tag: 'v1.1.0', behaviour: 'never-healthy' });
    await h.setFeed('v1.1.0');

    const result = await supervisor.check();

    expect(result).toEqual({ outcome: 'rolled-back', version: '1.1.0', to: '1.0.0' });
    expect((await h.health())?.version).toBe('1.0.0');
    expect(await h.started()).toEqual(['1.0.0', '1.1.0', '1.0.0']);
    expect((await readFile(join(h.root, 'current'), 'utf8')).trim()).toBe('1.0.0');
    const files = await readdir(h.root);
    expect(files).toContain('efm-v1.1.0.blocklisted');
    expect(files).toContain('efm-v1.0.0.allowlisted');
    expect(await supervisor.check()).toMatchObject({ outcome: 'blocked', version: '1.1.0' });
  });

  it('refuses a release whose archive claims another version than the feed offered', async () => {
    const { supervisor } = await runningA();
    await h.publish({ version: '1.0.5', tag: 'v1.1.0' });
    await h.setFeed('v1.1.0');

    expect(await supervisor.check()).toMatchObject({ outcome: 'refused', code: 'EFM_UPDATE_MANIFEST_INVALID' });
    expect((await h.health())?.version).toBe('1.0.0');
  });

  it('reports a feed the hub cannot serve as a failed check and keeps A running', async () => {
    const { supervisor, pidA } = await runningA();
    await rm(join(h.hub.dir, 'latest-versions.yml'));

    expect(await supervisor.check()).toMatchObject({ outcome: 'failed', code: 'EFM_UPDATE_HUB_UNAVAILABLE' });
    expect(await h.health()).toMatchObject({ version: '1.0.0', pid: pidA });
  });
});
