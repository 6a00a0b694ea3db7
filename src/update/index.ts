// Public surface of the self-updater: what the sandbox's distribution hub needs to publish releases in the
// format the updater reads (feed, artifact names, archive, digest, signatures).
export { formatVersionFeed, parseVersionFeed, selectVersion } from './version-feed.js';
export type { FeedChannels, VersionFeed } from './version-feed.js';
export { parseReleaseVersion } from './release-version.js';
export type { ReleaseVersion } from './release-version.js';
export { ARTIFACT_NAME, artifactFileNames } from './artifact-names.js';
export { packRelease } from './release-archive.js';
export { sha256OfFile } from './file-digest.js';
export { loadOpenPgp } from './signing-keys.js';
export * from './errors.js';
