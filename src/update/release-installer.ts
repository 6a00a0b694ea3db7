import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock/index.js';
import { randomId } from '../ids/index.js';
import { artifactFileNames, artifactUrls } from './artifact-names.js';
import { ManifestInvalidError } from './errors.js';
import { checkDigest, parseDigestFile } from './file-digest.js';
import type { HubClient } from './hub-client.js';
import { isFolder, readArchiveManifest } from './release-archive.js';
import type { InstallLayout } from './install-layout.js';
import { verifyInstalledRelease, writeInstallRecord, type InstalledRelease } from './installed-release.js';
import { extractArchive } from './release-archive.js';
import type { ReleaseManifest } from './release-manifest.js';
import { isSameVersion, type ReleaseVersion } from './release-version.js';
import { checkDetachedSignature } from './signature-check.js';
import type { PinnedKey } from './signing-keys.js';

// Download, verify, install. Everything happens in a private folder under staging/; only a release whose
// digest and signature checked out is moved into releases/ and versions/, and its verification record is
// written last. A refused download is deleted at once (the reference left a failed jar on disk and later
// started it without checking, ops notes §1.5).
export interface ReleaseInstallerOptions {
  layout: InstallLayout;
  hub: HubClient;
  keys: readonly PinnedKey[];
  clock: Clock;
  releasesUrl: string;
  maxArchiveBytes: number;
}

/** A downloaded archive whose digest and signature verified, not yet installed. */
export interface VerifiedDownload {
  release: ReleaseVersion;
  manifest: ReleaseManifest;
  archiveSha256: string;
  signer: string;
  /** The private staging folder holding the three files. */
  folder: string;
}

const SMALL_FILE_MAX_BYTES = 64 * 1024;

export class ReleaseInstaller {
  constructor(private readonly o: ReleaseInstallerOptions) {}

  /** Downloads the release and checks it; throws ReleaseRefusedError (files deleted) or HubUnavailableError. */
  async fetchVerified(release: ReleaseVersion): Promise<VerifiedDownload> {
    const folder = join(this.o.layout.stagingDir, `${release.version}-${randomId()}`);
    await mkdir(folder, { recursive: true });
    try {
      return await this.downloadAndCheck(release, folder);
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw error;
    }
  }

  /** Moves a verified download into place and unpacks it; the record is written last. */
  async install(download: VerifiedDownload): Promise<InstalledRelease> {
    const { layout } = this.o;
    const { version } = download.release;
    try {
      await rm(layout.recordFile(version), { force: true });
      await rm(layout.versionDir(version), { recursive: true, force: true });
      await rm(layout.releaseDir(version), { recursive: true, force: true });
      const unpacked = join(download.folder, 'tree');
      const names = artifactFileNames(download.release);
      await extractArchive(join(download.folder, names.archive), unpacked);
      await mkdir(join(layout.root, 'versions'), { recursive: true });
      await rename(unpacked, layout.versionDir(version));
      await mkdir(join(layout.root, 'releases'), { recursive: true });
      await rename(download.folder, layout.releaseDir(version));
      await writeInstallRecord(layout, {
        tag: download.release.tag, version, archiveSha256: download.archiveSha256, signer: download.signer,
        verifiedAt: this.o.clock.now().toISOString(), apiMajor: download.manifest.apiMajor, entry: download.manifest.entry,
      });
    } catch (error) {
      await this.discard(download);
      throw error;
    }
    return this.verifyInstalled(version);
  }

  async discard(download: VerifiedDownload): Promise<void> {
    await rm(download.folder, { recursive: true, force: true });
  }

  /** Checks an installed release again, as before every start. */
  verifyInstalled(version: string): Promise<InstalledRelease> {
    return verifyInstalledRelease({ layout: this.o.layout, keys: this.o.keys, now: this.o.clock.now(), version });
  }

  /** True when the version is installed with a record (it is still checked again before a start). */
  async isInstalled(version: string): Promise<boolean> {
    const record = await readFile(this.o.layout.recordFile(version), 'utf8').catch(() => undefined);
    return record !== undefined && (await isFolder(this.o.layout.versionDir(version)));
  }

  /**
   * Moves an installed version that failed its check out of the way (to quarantine/, for the operator to
   * inspect), so that the next update check downloads it afresh instead of finding it installed.
   */
  async quarantine(version: string): Promise<string | undefined> {
    const { layout } = this.o;
    const present = [
      { from: layout.versionDir(version), to: 'tree' },
      { from: layout.releaseDir(version), to: 'release' },
    ].filter((p) => existsSync(p.from));
    if (present.length === 0) return undefined;
    const folder = join(layout.quarantineDir, `${version}-${randomId()}`);
    await mkdir(folder, { recursive: true });
    for (const p of present) await rename(p.from, join(folder, p.to));
    return folder;
  }

  /** Removes what a crash may have left in staging/. */
  async clearStaging(): Promise<void> {
    await rm(this.o.layout.stagingDir, { recursive: true, force: true });
  }

  private async downloadAndCheck(release: ReleaseVersion, folder: string): Promise<VerifiedDownload> {
    const { hub, clock } = this.o;
    const urls = artifactUrls(this.o.releasesUrl, release);
    const names = artifactFileNames(release);
    const digestText = await hub.fetchText(urls.digest, SMALL_FILE_MAX_BYTES);
    const armoredSignature = await hub.fetchText(urls.signature, SMALL_FILE_MAX_BYTES);
    await writeFile(join(folder, names.digest), digestText);
    await writeFile(join(folder, names.signature), armoredSignature);
    const archive = join(folder, names.archive);
    const { sha256 } = await hub.download(urls.archive, archive, this.o.maxArchiveBytes);
    checkDigest(archive, parseDigestFile(digestText), sha256);
    const { fingerprint } = await checkDetachedSignature({ file: archive, armoredSignature, keys: this.o.keys, now: clock.now(), requireKeyValidNow: true });
    const manifest = await readArchiveManifest(archive);
    if (!isSameVersion(manifest.version, release)) {
      throw new ManifestInvalidError(`the archive for ${release.tag} says it is version ${manifest.version.tag}`);
    }
    return { release, manifest, archiveSha256: sha256, signer: fingerprint, folder };
  }
}
