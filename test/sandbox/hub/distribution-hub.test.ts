import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDistributionHub, type DistributionHub } from '../../../src/sandbox/hub/index.js';
import { parseVersionFeed, selectVersion } from '../../../src/update/index.js';

describe(startDistributionHub.name, () => {
  let dir: string;
  let hub: DistributionHub;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'efm-dist-hub-'));
    hub = await startDistributionHub({ dir: join(dir, 'hub') });
  });
  afterEach(async () => {
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 404 before a feed or release is published, and 405 to a POST', async () => {
    expect((await fetch(hub.feedUrl)).status).toBe(404);
    expect((await fetch(`${hub.releasesUrl}/v1.0.0/efm-v1.0.0.zip`)).status).toBe(404);
    expect((await fetch(hub.feedUrl, { method: 'POST' })).status).toBe(405);
  });

  it('refuses paths that try to leave its folder', async () => {
    await writeFile(join(dir, 'secret.txt'), 'secret');
    for (const path of ['/objects/..%2F..%2Fsecret.txt/x', '/objects/../secret.txt', '/objects/%2e%2e/secret.txt', '/releases/download/../../secret.txt']) {
      const response = await fetch(`${hub.url}${path}`, { redirect: 'manual' });
      expect(response.status, path).toBe(404);
    }
  });

  it('serves the feed in the reference shape', async () => {
    await hub.setFeed({ sandbox: { latest: 'v1.2.0', earlybird: 'v1.3.0-rc.1' } });
    const response = await fetch(hub.feedUrl);
    expect(response.status).toBe(200);
    const feed = parseVersionFeed(await response.text());
    expect(selectVersion(feed, { environment: 'sandbox', earlybird: true }).tag).toBe('v1.3.0-rc.1');
  });

  it('publishes a release under its tag and serves archive, digest and signature through a redirect, as GitHub does', async () => {
    const archive = join(dir, 'a.zip');
    await writeFile(archive, Buffer.alloc(70_000, 5));
    await hub.publish({ tag: 'v1.2.0', archive, signature: '-----BEGIN PGP SIGNATURE-----\n…' });

    const redirect = await fetch(`${hub.releasesUrl}/v1.2.0/efm-v1.2.0.zip`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/objects/v1.2.0/efm-v1.2.0.zip');

    const body = Buffer.from(await (await fetch(`${hub.releasesUrl}/v1.2.0/efm-v1.2.0.zip`)).arrayBuffer());
    expect(body.equals(await readFile(archive))).toBe(true);
    const digest = await (await fetch(`${hub.releasesUrl}/v1.2.0/efm-v1.2.0.zip.sha256`)).text();
    expect(digest).toBe(`${createHash('sha256').update(body).digest('hex')}  efm-v1.2.0.zip\n`);
    expect(await (await fetch(`${hub.releasesUrl}/v1.2.0/efm-v1.2.0.zip.asc`)).text()).toContain('BEGIN PGP SIGNATURE');
    expect(hub.requests.map((r) => r.url)).toContain('/objects/v1.2.0/efm-v1.2.0.zip');
  });

  it('refuses to publish under a tag that is not a version', async () => {
    await expect(hub.publish({ tag: '../x', archive: join(dir, 'none.zip'), signature: '' })).rejects.toThrow(TypeError);
  });
});
