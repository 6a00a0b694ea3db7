import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { packRelease } from '../../../src/update/index.js';

// Real releases of this daemon for the updater's end-to-end tests: the built checkout (dist/ as
// `npm run build` leaves it) laid out as src/update/README.md describes an archive, with package.json's
// version rewritten, packed with packRelease. The tests sign it as the release manager does.
export const ROOT = resolve(import.meta.dirname, '../../..');
export const MAIN = join(ROOT, 'dist/main.js');

/** The runtime files of the packages the bundle keeps external (build.mjs), and what they load. */
const EXTERNAL_FILES: readonly string[] = [
  'sqlite3/package.json', 'sqlite3/lib', 'sqlite3/build/Release/node_sqlite3.node',
  'bindings', 'file-uri-to-path', 'xmllint-wasm',
];

export interface DaemonReleaseOptions {
  version: string;
  /** Folder the package is laid out in; must not exist yet. */
  dir: string;
}

/** Lays out the built package as release `version` and packs it; returns the archive's path. */
export async function packDaemonRelease(o: DaemonReleaseOptions): Promise<string> {
  await mkdir(o.dir, { recursive: false });
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const manifest = { name: pkg.name, version: o.version, type: pkg.type, bin: pkg.bin, efm: pkg.efm, engines: pkg.engines };
  await writeFile(join(o.dir, 'package.json'), JSON.stringify(manifest, null, 2));
  // Source maps are half of dist/ and nothing at run time needs them.
  await cp(join(ROOT, 'dist'), join(o.dir, 'dist'), { recursive: true, filter: (source) => !source.endsWith('.map') });
  await cp(join(ROOT, 'config'), join(o.dir, 'config'), { recursive: true });
  await cp(join(ROOT, 'schemas'), join(o.dir, 'schemas'), { recursive: true });
  for (const path of EXTERNAL_FILES) {
    await cp(join(ROOT, 'node_modules', path), join(o.dir, 'node_modules', path), { recursive: true, dereference: true });
  }
  const archive = `${o.dir}.zip`;
  await packRelease({ sourceDir: o.dir, out: archive });
  return archive;
}
