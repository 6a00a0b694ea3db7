import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { artifactFileNames } from './artifact-names.js';
import type { ReleaseVersion } from './release-version.js';

// Where the supervisor keeps releases, below one install root (the reference's "home", ops notes §1.9):
//   current                      the version to run: its semver on one line, replaced atomically
//   efm-<tag>.allowlisted        last version that started healthy (ops notes §1.6)
//   efm-<tag>.blocklisted        a version not to install, with the expiry inside (ops notes §1.6)
//   releases/<version>/          the archive, its .sha256 and .asc as downloaded, and installed.json, the
//                                verification record written only after everything checked out
//   versions/<version>/          the unpacked release; never started without checking it again
//   staging/                     downloads and extractions in progress; a crash leaves only this behind
//   quarantine/                  installed versions that failed their check before a start
// The daemon child runs with the install root as its working directory.
export interface InstallLayout {
  readonly root: string;
  readonly currentFile: string;
  readonly stagingDir: string;
  readonly quarantineDir: string;
  releaseDir(version: string): string;
  versionDir(version: string): string;
  recordFile(version: string): string;
  archiveFile(release: ReleaseVersion): string;
  digestFile(release: ReleaseVersion): string;
  signatureFile(release: ReleaseVersion): string;
}

export function installLayout(root: string): InstallLayout {
  const releaseDir = (version: string) => join(root, 'releases', version);
  return {
    root,
    currentFile: join(root, 'current'),
    stagingDir: join(root, 'staging'),
    quarantineDir: join(root, 'quarantine'),
    releaseDir,
    versionDir: (version) => join(root, 'versions', version),
    recordFile: (version) => join(releaseDir(version), 'installed.json'),
    archiveFile: (r) => join(releaseDir(r.version), artifactFileNames(r).archive),
    digestFile: (r) => join(releaseDir(r.version), artifactFileNames(r).digest),
    signatureFile: (r) => join(releaseDir(r.version), artifactFileNames(r).signature),
  };
}

/**
 * Replaces a small file so that a reader sees the old or the new content, never a mix, also across a
 * power loss: write a sibling, flush it, rename it over the target, flush the folder.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
