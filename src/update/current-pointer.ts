import { readFile } from 'node:fs/promises';
import { writeFileAtomic, type InstallLayout } from './install-layout.js';
import { parseReleaseVersion } from './release-version.js';

// The `current` pointer names the version the supervisor runs. It moves before a new version starts, so
// a supervisor that dies mid-switch comes back to the new version on trial: it is checked and started,
// and rolled back to the allow-listed one unless it turns healthy.

/** The normalised semver in `current`, or undefined when there is none or it is unreadable. */
export async function readCurrentVersion(layout: InstallLayout): Promise<string | undefined> {
  const text = await readFile(layout.currentFile, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseReleaseVersion(text)?.version;
}

export async function writeCurrentVersion(layout: InstallLayout, version: string): Promise<void> {
  await writeFileAtomic(layout.currentFile, `${version}\n`);
}
