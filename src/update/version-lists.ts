import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { formatOslo, parseDateTime } from '../domain/index.js';
import { ARTIFACT_NAME } from './artifact-names.js';
import { writeFileAtomic } from './install-layout.js';
import { parseReleaseVersion, type ReleaseVersion } from './release-version.js';

// The reference's block list and allow list files in the install root (ops notes §1.6), named after our
// artifact: `efm-<tag>.blocklisted` holds the block's expiry as an ISO local date-time (Oslo, no zone);
// `efm-<tag>.allowlisted` holds when the version first ran healthy, and only one is kept. A file is matched
// to a version by semver, so `efm-4.0.8.blocklisted` also blocks the feed's `v4.0.8`. Operators may write a
// block file by hand: empty or unreadable content blocks until the file is deleted.
const BLOCK_SUFFIX = '.blocklisted';
const ALLOW_SUFFIX = '.allowlisted';

interface ListedFile {
  file: string;
  version: string;
}

async function listed(root: string, suffix: string): Promise<ListedFile[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const prefix = `${ARTIFACT_NAME}-`;
  const out: ListedFile[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(suffix)) continue;
    const version = parseReleaseVersion(name.slice(prefix.length, -suffix.length));
    if (version) out.push({ file: join(root, name), version: version.version });
  }
  return out;
}

export type BlockState = { blocked: false } | { blocked: true; file: string; until?: Date };

/** Whether a version is blocked now; an expired block file is deleted, as in the reference. */
export async function blockState(root: string, version: string, now: Date): Promise<BlockState> {
  for (const entry of await listed(root, BLOCK_SUFFIX)) {
    if (!semver.eq(entry.version, version)) continue;
    const text = await readFile(entry.file, 'utf8').catch(() => '');
    const until = parseDateTime(text.trim());
    if (until && until.getTime() <= now.getTime()) {
      await rm(entry.file, { force: true });
      continue;
    }
    return { blocked: true, file: entry.file, ...(until ? { until } : {}) };
  }
  return { blocked: false };
}

export async function blockVersion(root: string, release: ReleaseVersion, until: Date): Promise<string> {
  const file = join(root, `${ARTIFACT_NAME}-${release.tag}${BLOCK_SUFFIX}`);
  await writeFileAtomic(file, localDateTime(until));
  return file;
}

/** The last version that started healthy: the highest allow-listed one. */
export async function allowlistedVersion(root: string): Promise<string | undefined> {
  const versions = (await listed(root, ALLOW_SUFFIX)).map((e) => e.version);
  return semver.rsort(versions)[0];
}

/** Marks a version as the last known good and removes the marks of every other. */
export async function allowlistVersion(root: string, release: ReleaseVersion, now: Date): Promise<void> {
  const file = join(root, `${ARTIFACT_NAME}-${release.tag}${ALLOW_SUFFIX}`);
  await writeFileAtomic(file, localDateTime(now));
  for (const entry of await listed(root, ALLOW_SUFFIX)) {
    if (entry.file !== file) await rm(entry.file, { force: true });
  }
}

/** `2026-04-20T05:30:00`: the reference writes a Java LocalDateTime, without zone. */
function localDateTime(instant: Date): string {
  return formatOslo(new Date(Math.floor(instant.getTime() / 1000) * 1000)).slice(0, 19);
}
