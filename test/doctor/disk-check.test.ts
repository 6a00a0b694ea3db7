import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDisk } from '../../src/doctor/disk-check.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'efm-doctor-disk-')); });
afterEach(async () => {
  await chmod(dir, 0o700);
  await rm(dir, { recursive: true, force: true });
});

const isRoot = process.getuid?.() === 0;

describe(checkDisk.name, () => {
  it('passes with enough free space and reports how much', async () => {
    expect(await checkDisk(dir, { failBelowBytes: 1, warnBelowBytes: 2 })).toMatchObject({ status: 'ok', detail: expect.stringMatching(/iB free at /) as unknown });
  });

  it('fails below the failure limit and warns below the warning limit', async () => {
    const huge = Number.MAX_SAFE_INTEGER;
    expect(await checkDisk(dir, { failBelowBytes: huge, warnBelowBytes: huge })).toMatchObject({ status: 'fail', fix: expect.stringContaining('efm.data-dir') as unknown });
    expect(await checkDisk(dir, { failBelowBytes: 1, warnBelowBytes: huge })).toMatchObject({ status: 'warn', ok: true });
  });

  it('measures at the nearest existing parent of a data directory that does not exist yet', async () => {
    const later = join(dir, 'a', 'b');
    expect(await checkDisk(later, { failBelowBytes: 1, warnBelowBytes: 2 })).toMatchObject({ status: 'ok', detail: expect.stringContaining(`at ${dir} (${later} is created at start)`) as unknown });
  });

  // root may write anywhere, so this path can only be shown as another user.
  it.skipIf(isRoot)('fails when the service user may not write there', async () => {
    const data = join(dir, 'data');
    await mkdir(data);
    await chmod(data, 0o500);
    expect(await checkDisk(data, { failBelowBytes: 1, warnBelowBytes: 2 })).toMatchObject({ status: 'fail', detail: expect.stringContaining('not writable') as unknown });
  });
});
