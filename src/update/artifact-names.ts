import type { ReleaseVersion } from './release-version.js';

// Artifact naming follows the reference's GitHub Releases layout (ops notes §1.3):
//   {releasesUrl}/{tag}/efm-{tag}.zip  plus  .sha256 (hex digest) and .asc (detached armoured signature)
// with the tag exactly as published, `v` included. SHA-256 replaces the reference's SHA-1.
export const ARTIFACT_NAME = 'efm';

export interface ArtifactFiles {
  archive: string;
  digest: string;
  signature: string;
}

export function artifactFileNames(release: ReleaseVersion): ArtifactFiles {
  const archive = `${ARTIFACT_NAME}-${release.tag}.zip`;
  return { archive, digest: `${archive}.sha256`, signature: `${archive}.asc` };
}

export function artifactUrls(releasesUrl: string, release: ReleaseVersion): ArtifactFiles {
  const base = `${releasesUrl.replace(/\/+$/, '')}/${encodeURIComponent(release.tag)}/`;
  const names = artifactFileNames(release);
  return {
    archive: base + encodeURIComponent(names.archive),
    digest: base + encodeURIComponent(names.digest),
    signature: base + encodeURIComponent(names.signature),
  };
}
