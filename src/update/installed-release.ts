import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotVerifiedError, ReleaseRefusedError } from './errors.js';
import { checkDigest, parseDigestFile, sha256OfFile } from './file-digest.js';
import { writeFileAtomic, type InstallLayout } from './install-layout.js';
import { digestArchive, listFiles, readArchiveManifest } from './release-archive.js';
import { parseReleaseVersion, type ReleaseVersion } from './release-version.js';
import { checkDetachedSignature } from './signature-check.js';
import type { PinnedKey } from './signing-keys.js';

// The verification record of an installed release, and the check that runs before every start. Having
// been verified once is not enough (the reference trusted any jar on disk, ops notes §1.5): before each
// start the archive's digest and signature are checked again against the pinned keys, and every file of
// the unpacked folder against the archive's entries, so a folder that was changed, completed by hand or
// left half-written is never run.
export interface InstallRecord {
  tag: string;
  version: string;
  archiveSha256: string;
  /** Fingerprint of the key that signed the archive. */
  signer: string;
  verifiedAt: string;
  apiMajor: number;
  entry: string;
}

export interface InstalledRelease {
  release: ReleaseVersion;
  /** The unpacked folder. */
  dir: string;
  /** Absolute path of the entry script. */
  entryPath: string;
  apiMajor: number;
  signer: string;
}

export async function writeInstallRecord(layout: InstallLayout, record: InstallRecord): Promise<void> {
  await writeFileAtomic(layout.recordFile(record.version), `${JSON.stringify(record, null, 2)}\n`);
}

export interface VerifyInstalledOptions {
  layout: InstallLayout;
  keys: readonly PinnedKey[];
  now: Date;
  version: string;
}

export async function verifyInstalledRelease(o: VerifyInstalledOptions): Promise<InstalledRelease> {
  const { layout, version } = o;
  const record = await readRecord(layout, version);
  const release = parseReleaseVersion(record.tag);
  if (!release || release.version !== version) throw new NotVerifiedError(version, 'the record names another version');
  const archive = layout.archiveFile(release);
  const actual = await sha256OfFile(archive).catch(() => undefined);
  if (actual === undefined) throw new NotVerifiedError(version, 'the archive is missing');
  const published = await readFile(layout.digestFile(release), 'utf8').catch(() => '');
  try {
    checkDigest(archive, record.archiveSha256, actual);
    checkDigest(archive, parseDigestFile(published), actual);
  } catch (error) {
    throw notVerified(version, error);
  }
  const armoredSignature = await readFile(layout.signatureFile(release), 'utf8').catch(() => '');
  const { fingerprint } = await checkDetachedSignature({ file: archive, armoredSignature, keys: o.keys, now: o.now, requireKeyValidNow: false })
    .catch((error: unknown) => { throw notVerified(version, error); });
  const manifest = await readArchiveManifest(archive);
  if (manifest.version.version !== version || manifest.entry !== record.entry || manifest.apiMajor !== record.apiMajor) {
    throw new NotVerifiedError(version, 'the record does not match the archive');
  }
  const dir = layout.versionDir(version);
  await checkTree(version, archive, dir);
  return { release, dir, entryPath: join(dir, manifest.entry), apiMajor: manifest.apiMajor, signer: fingerprint };
}

async function readRecord(layout: InstallLayout, version: string): Promise<InstallRecord> {
  const text = await readFile(layout.recordFile(version), 'utf8').catch(() => undefined);
  if (text === undefined) throw new NotVerifiedError(version, 'it has no verification record');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NotVerifiedError(version, 'its verification record is not JSON');
  }
  if (!isRecord(value)) throw new NotVerifiedError(version, 'its verification record is malformed');
  const { tag, archiveSha256, signer, verifiedAt, apiMajor, entry } = value;
  if (typeof tag !== 'string' || typeof archiveSha256 !== 'string' || typeof signer !== 'string' || typeof verifiedAt !== 'string' ||
    typeof apiMajor !== 'number' || typeof entry !== 'string') {
    throw new NotVerifiedError(version, 'its verification record is malformed');
  }
  return { tag, version, archiveSha256, signer, verifiedAt, apiMajor, entry };
}

async function checkTree(version: string, archive: string, dir: string): Promise<void> {
  const expected = await digestArchive(archive);
  const present = await listFiles(dir).catch(() => undefined);
  if (!present) throw new NotVerifiedError(version, 'its folder is missing or holds a link');
  for (const file of present) {
    const want = expected.get(file);
    if (want === undefined) throw new NotVerifiedError(version, `${file} is not part of the release`);
    if ((await sha256OfFile(join(dir, ...file.split('/')))) !== want) throw new NotVerifiedError(version, `${file} differs from the release`);
  }
  if (present.length !== expected.size) throw new NotVerifiedError(version, 'files of the release are missing');
}

function notVerified(version: string, error: unknown): Error {
  if (error instanceof ReleaseRefusedError) return new NotVerifiedError(version, error.message);
  return error instanceof Error ? error : new Error(String(error));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
