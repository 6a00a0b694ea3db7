import { describe, expect, it } from 'vitest';
import { isNewerVersion, isSameVersion, parseReleaseVersion } from '../../src/update/release-version.js';

function v(text: string) {
  const parsed = parseReleaseVersion(text);
  if (!parsed) throw new Error(`test version ${text} does not parse`);
  return parsed;
}

// One of the reference updater's bugs: `4.0.8` and `v4.0.8` compared as different strings, and its major
// guard could not read `v4` (ops notes §1.4 step 3).
describe('release versions', () => {
  it('treats a version with and without a v prefix as the same version, keeping the tag as published', () => {
    expect(isSameVersion(v('v4.0.8'), v('4.0.8'))).toBe(true);
    expect(isSameVersion(v('V4.0.8'), v('4.0.8'))).toBe(true);
    expect(isNewerVersion(v('v4.0.8'), v('4.0.8'))).toBe(false);
    expect(v('v4.0.8')).toEqual({ tag: 'v4.0.8', version: '4.0.8', major: 4 });
  });

  it('orders by semver, not by text', () => {
    expect(isNewerVersion(v('1.10.0'), v('v1.9.0'))).toBe(true);
    expect(isNewerVersion(v('v1.9.0'), v('1.10.0'))).toBe(false);
    expect(isNewerVersion(v('4.1.0'), v('v4.1.0-beta'))).toBe(true);
    expect(isNewerVersion(v('v4.1.0-beta'), v('4.0.8'))).toBe(true);
  });

  it('reads the major of a prefixed version', () => {
    expect(v('v4.0.8').major).toBe(4);
  });

  it('refuses text that is not a semantic version', () => {
    for (const text of ['', 'latest', 'v4', '4.0', 'vv4.0.8', 'x4.0.8']) expect(parseReleaseVersion(text), text).toBeUndefined();
  });
});
