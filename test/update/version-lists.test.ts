import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseReleaseVersion } from '../../src/update/release-version.js';
import { allowlistedVersion, allowlistVersion, blockState, blockVersion } from '../../src/update/version-lists.js';

const release = (tag: string) => {
  const v = parseReleaseVersion(tag);
  if (!v) throw new Error(tag);
  return v;
};

// ops notes §1.6: `<artifact>-<ver>.blocklisted` holds an ISO local date-time expiry, `.allowlisted` marks
// the last version that started.
describe('block list and allow list files', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'efm-lists-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the block expiry as Oslo local time without zone and blocks until then', async () => {
    const file = await blockVersion(root, release('v1.2.0'), new Date('2026-06-01T10:00:00Z'));
    expect(file).toBe(join(root, 'efm-v1.2.0.blocklisted'));
    expect(await readFile(file, 'utf8')).toBe('2026-06-01T12:00:00');
    expect(await blockState(root, '1.2.0', new Date('2026-06-01T09:59:00Z'))).toEqual({ blocked: true, file, until: new Date('2026-06-01T10:00:00Z') });
  });

  it('deletes an expired block and lets the version through', async () => {
    const file = await blockVersion(root, release('v1.2.0'), new Date('2026-06-01T10:00:00Z'));
    expect(await blockState(root, '1.2.0', new Date('2026-06-01T10:00:00Z'))).toEqual({ blocked: false });
    expect(await readdir(root)).not.toContain(file.slice(root.length + 1));
  });

  it('matches a block file to a version with or without v, and honours a hand-made empty file until it is deleted', async () => {
    await writeFile(join(root, 'efm-1.3.0.blocklisted'), '');
    expect(await blockState(root, '1.3.0', new Date('2100-01-01T00:00:00Z'))).toMatchObject({ blocked: true });
    expect(await blockState(root, '1.3.1', new Date('2026-01-01T00:00:00Z'))).toEqual({ blocked: false });
    await writeFile(join(root, 'efm-V1.4.0.blocklisted'), '2099-01-01T00:00:00');
    expect(await blockState(root, '1.4.0', new Date('2026-01-01T00:00:00Z'))).toMatchObject({ blocked: true });
  });

  it('keeps only the newest allow-list mark and reads it back as the last known good version', async () => {
    expect(await allowlistedVersion(root)).toBeUndefined();
    await allowlistVersion(root, release('v1.0.0'), new Date('2026-01-01T00:00:00Z'));
    await allowlistVersion(root, release('1.1.0'), new Date('2026-01-02T00:00:00Z'));
    expect((await readdir(root)).filter((f) => f.endsWith('.allowlisted'))).toEqual(['efm-1.1.0.allowlisted']);
    expect(await allowlistedVersion(root)).toBe('1.1.0');
    expect(await readFile(join(root, 'efm-1.1.0.allowlisted'), 'utf8')).toBe('2026-01-02T01:00:00');
  });
});
