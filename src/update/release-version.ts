import semver, { type SemVer } from 'semver';

// A release is named by its tag, which may carry a `v` (the feed says `v4.0.8`, a package.json says
// `4.0.8`; ops notes §1.2–§1.3). The reference compared these as strings, so `4.0.8` and `v4.0.8` counted as
// different versions, and its major guard failed to parse `v4` (ops notes §1.4 step 3). Here a version
// is compared only through its semver; the tag is kept untouched because artifact names must match it.
export interface ReleaseVersion {
  /** As published, e.g. `v4.0.8`; used in artifact names and URLs. */
  readonly tag: string;
  /** Normalised semver without prefix, e.g. `4.0.8`; used for comparison and as directory name. */
  readonly version: string;
  readonly major: number;
}

const PREFIX = /^[vV](?=\d)/;

/** Parses `4.0.8`, `v4.0.8`, `V4.1.0-beta`; undefined when the text is not a semantic version. */
export function parseReleaseVersion(text: string): ReleaseVersion | undefined {
  const tag = text.trim();
  const parsed: SemVer | null = semver.parse(tag.replace(PREFIX, ''));
  if (!parsed) return undefined;
  return { tag, version: parsed.version, major: parsed.major };
}

export function isSameVersion(a: ReleaseVersion, b: ReleaseVersion): boolean {
  return semver.eq(a.version, b.version);
}

export function isNewerVersion(candidate: ReleaseVersion, than: ReleaseVersion): boolean {
  return semver.gt(candidate.version, than.version);
}
