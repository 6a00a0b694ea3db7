import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactFileNames, parseReleaseVersion, sha256OfFile } from '../../update/index.js';

// Puts one release into a hub folder in the layout the hub serves (the reference's GitHub Releases
// assets, ops notes §1.3): releases/<tag>/efm-<tag>.zip, .zip.sha256 (sha256sum format) and .zip.asc.
export interface ReleaseToPublish {
  /** As it will appear in the feed, e.g. `v1.2.0`. */
  tag: string;
  /** Path of the release archive (a zip made by packRelease). */
  archive: string;
  /** The detached, armoured OpenPGP signature of the archive. */
  signature: string;
}

/** Copies the archive and writes its digest and signature; returns the folder of the release's files. */
export async function publishRelease(dir: string, release: ReleaseToPublish): Promise<string> {
  const version = parseReleaseVersion(release.tag);
  if (!version || version.tag !== release.tag) throw new TypeError(`not a release tag: '${release.tag}'`);
  const names = artifactFileNames(version);
  const folder = join(dir, 'releases', release.tag);
  await mkdir(folder, { recursive: true });
  await copyFile(release.archive, join(folder, names.archive));
  const digest = await sha256OfFile(join(folder, names.archive));
  await writeFile(join(folder, names.digest), `${digest}  ${names.archive}\n`);
  await writeFile(join(folder, names.signature), release.signature);
  return folder;
}
