import { isAbsolute, normalize } from 'node:path';
import { ManifestInvalidError } from './errors.js';
import { parseReleaseVersion, type ReleaseVersion } from './release-version.js';

// What a release says about itself, read from the package.json at the root of its archive:
//   version         the release's semver (must be the version the feed offered)
//   bin.efm | bin   the entry script, run as `node <entry> <child args>`
//   efm.apiMajor    the API major the release serves as current (src/api/versions.ts). The supervisor's
//                   major guard compares this, not the product's semver major: the API major is what case
//                   systems depend on, and our promise is a year in which both API majors work.
export interface ReleaseManifest {
  version: ReleaseVersion;
  /** Relative path of the entry script inside the release. */
  entry: string;
  apiMajor: number;
}

export const MANIFEST_ENTRY = 'package.json';
export const MANIFEST_MAX_BYTES = 1024 * 1024;

export function parseReleaseManifest(text: string): ReleaseManifest {
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch {
    throw new ManifestInvalidError(`the release's ${MANIFEST_ENTRY} is not JSON`);
  }
  if (!isRecord(pkg)) throw new ManifestInvalidError(`the release's ${MANIFEST_ENTRY} is not an object`);
  const version = typeof pkg.version === 'string' ? parseReleaseVersion(pkg.version) : undefined;
  if (!version) throw new ManifestInvalidError(`the release's ${MANIFEST_ENTRY} has no semantic version`);
  const bin = isRecord(pkg.bin) ? pkg.bin.efm : pkg.bin;
  if (typeof bin !== 'string' || !isInside(bin)) throw new ManifestInvalidError(`the release's ${MANIFEST_ENTRY} has no bin.efm entry inside the release`);
  const apiMajor = isRecord(pkg.efm) ? pkg.efm.apiMajor : undefined;
  if (typeof apiMajor !== 'number' || !Number.isInteger(apiMajor) || apiMajor < 0) {
    throw new ManifestInvalidError(`the release's ${MANIFEST_ENTRY} has no integer efm.apiMajor`);
  }
  return { version, entry: normalize(bin), apiMajor };
}

function isInside(path: string): boolean {
  const n = normalize(path);
  return path !== '' && !isAbsolute(n) && n !== '..' && !n.startsWith('../') && !n.startsWith('..\\');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
