// Public surface of the self-updater: `efm supervise` (runSupervisor) and what the sandbox's distribution
// hub needs to publish releases in the same format (feed, artifact names, archive, digest, signatures).
export { runSupervisor, buildSupervisor } from './run-supervisor.js';
export type { RunSupervisorOptions, BuiltSupervisor } from './run-supervisor.js';
export { Supervisor } from './supervisor.js';
export type { SupervisorStatus } from './supervisor.js';
export type { CheckResult } from './update-check.js';
export { formatVersionFeed, parseVersionFeed, selectVersion } from './version-feed.js';
export type { FeedChannels, VersionFeed } from './version-feed.js';
export { parseReleaseVersion } from './release-version.js';
export type { ReleaseVersion } from './release-version.js';
export { ARTIFACT_NAME, artifactFileNames } from './artifact-names.js';
export { packRelease } from './release-archive.js';
export { sha256OfFile } from './file-digest.js';
export { loadOpenPgp } from './signing-keys.js';
export * from './errors.js';
