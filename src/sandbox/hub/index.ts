// The sandbox's distribution hub: a version feed, release archives and their signatures over HTTP.
export { startDistributionHub } from './distribution-hub.js';
export type { DistributionHub, DistributionHubOptions, HubRequest } from './distribution-hub.js';
export { publishRelease } from './publish-release.js';
export type { ReleaseToPublish } from './publish-release.js';
export { signRelease } from './sign-release.js';
export type { SignReleaseOptions } from './sign-release.js';
