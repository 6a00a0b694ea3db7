import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveInvalidError, ManifestInvalidError } from '../../src/update/errors.js';
import { digestArchive, extractArchive, listFiles, packRelease, readArchiveManifest } from '../../src/update/release-archive.js';
import { sha256OfFile } from '../../src/update/file-digest.js';
import { writeFakePackage } from './fake-release.js';

async function zipOf(out: string, entries: { name: string; content: string; mode?: number }[]): Promise<void> {
  const zip = new yazl.ZipFile();
  const done = pipeline(zip.outputStream as unknown as PassThrough, createWriteStream(out));
  for (const e of entries) zip.addBuffer(Buffer.from(e.content), e.name, e.mode === undefined ? {} : { mode: e.mode });
  zip.end();
  await done;
}

describe('release archive', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'efm-archive-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('packs a package folder, reads its manifest without extracting, and extracts the same files', async () => {
    const source = join(dir, 'pkg');
    await writeFakePackage(source, { version: 'v2.3.4', apiMajor: 3 });
    await mkdir(join(source, 'dist', 'deep'), { recursive: true });
    await writeFile(join(source, 'dist', 'deep', 'data.bin'), Buffer.alloc(200_000, 9));
    const archive = join(dir, 'release.zip');
    await packRelease({ sourceDir: source, out: archive });

    const manifest = await readArchiveManifest(archive);
    expect(manifest).toEqual({ version: { tag: 'v2.3.4', version: '2.3.4', major: 2 }, entry: 'bin/daemon.mjs', apiMajor: 3 });

    const digests = await extractArchive(archive, join(dir, 'out'));
    expect(await listFiles(join(dir, 'out'))).toEqual(await listFiles(source));
    expect([...digests.keys()].sort()).toEqual(await listFiles(source));
    expect(digests.get('dist/deep/data.bin')).toBe(await sha256OfFile(join(source, 'dist', 'deep', 'data.bin')));
    expect(await digestArchive(archive)).toEqual(digests);
  });

  it('refuses an entry whose name climbs out of the target folder, writing nothing outside it', async () => {
    const archive = join(dir, 'evil.zip');
    await zipOf(archive, [{ name: 'package.json', content: '{}' }, { name: 'aa/evil.txt', content: 'x' }]);
    // yazl will not write `..`, so the name is patched in place (same length; names are outside the CRC).
    const bytes = await readFile(archive);
    await writeFile(archive, Buffer.from(bytes.toString('latin1').replaceAll('aa/evil.txt', '../evil.txt'), 'latin1'));

    await expect(extractArchive(archive, join(dir, 'out'))).rejects.toBeInstanceOf(ArchiveInvalidError);
    expect(await readdir(dir)).not.toContain('evil.txt');
  });

  it('refuses a link entry and a file that is not a zip', async () => {
    const archive = join(dir, 'link.zip');
    await zipOf(archive, [{ name: 'link', content: '/etc/passwd', mode: 0o120777 }]);
    await expect(extractArchive(archive, join(dir, 'out'))).rejects.toBeInstanceOf(ArchiveInvalidError);
    await writeFile(join(dir, 'junk.zip'), 'not a zip');
    await expect(readArchiveManifest(join(dir, 'junk.zip'))).rejects.toBeInstanceOf(ArchiveInvalidError);
  });

  it('refuses an archive without package.json at its root, or with one that lacks the release fields', async () => {
    const cases: [string, string][] = [
      ['nested/package.json', JSON.stringify({ version: '1.0.0', bin: 'x.js', efm: { apiMajor: 1 } })],
      ['package.json', JSON.stringify({ version: '1.0.0', bin: 'x.js' })],
      ['package.json', JSON.stringify({ version: 'one', bin: 'x.js', efm: { apiMajor: 1 } })],
      ['package.json', JSON.stringify({ version: '1.0.0', bin: { efm: '../x.js' }, efm: { apiMajor: 1 } })],
      ['package.json', JSON.stringify({ version: '1.0.0', bin: '/x.js', efm: { apiMajor: 1.5 } })],
      ['package.json', 'not json'],
    ];
    for (const [i, [name, content]] of cases.entries()) {
      const archive = join(dir, `case-${i}.zip`);
      await zipOf(archive, [{ name, content }]);
      await expect(readArchiveManifest(archive), `${name}: ${content}`).rejects.toBeInstanceOf(ManifestInvalidError);
    }
  });
});
