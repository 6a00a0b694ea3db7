import { describe, expect, it } from 'vitest';
import { FeedInvalidError } from '../../src/update/errors.js';
import { formatVersionFeed, parseVersionFeed, selectVersion, type VersionFeed } from '../../src/update/version-feed.js';

// The reference's latest-versions.yml shape (ops notes §1.2): four environments, v-prefixed values.
function referenceFeed(latest = 'v4.0.8', earlybird = 'v4.0.8'): string {
  const envs = ['dev', 'itest', 'staging', 'production'].map((e) => `    ${e}:\n      latest: ${latest}\n      earlybird: ${earlybird}`).join('\n');
  return `# comment as in the reference file\nintegrasjonspunkt:\n  environments:\n${envs}\n`;
}

describe('version feed', () => {
  it('reads the reference shape and selects the environment\'s latest version', () => {
    const feed = parseVersionFeed(referenceFeed('v4.0.8', 'v4.1.0-beta'));
    expect(selectVersion(feed, { environment: 'production', earlybird: false })).toEqual({ tag: 'v4.0.8', version: '4.0.8', major: 4 });
    expect(selectVersion(feed, { environment: 'staging', earlybird: true }).version).toBe('4.1.0-beta');
  });

  it('falls back from an empty earlybird to latest', () => {
    const feed = parseVersionFeed('integrasjonspunkt:\n  environments:\n    production:\n      latest: 4.0.8\n      earlybird: ""\n');
    expect(selectVersion(feed, { environment: 'production', earlybird: true }).tag).toBe('4.0.8');
  });

  it('ignores members it does not know', () => {
    const feed = parseVersionFeed('integrasjonspunkt:\n  extra: 1\n  environments:\n    production:\n      latest: v1.2.3\n      note: x\nother: true\n');
    expect(selectVersion(feed, { environment: 'production', earlybird: false }).version).toBe('1.2.3');
  });

  it('refuses an environment the feed lacks, a missing latest, a non-semver value and a document without environments', () => {
    const feed = parseVersionFeed('integrasjonspunkt:\n  environments:\n    production: { earlybird: v1.0.0 }\n    staging: { latest: soon }\n');
    expect(() => selectVersion(feed, { environment: 'dev', earlybird: false })).toThrow(FeedInvalidError);
    expect(() => selectVersion(feed, { environment: 'production', earlybird: false })).toThrow(FeedInvalidError);
    expect(() => selectVersion(feed, { environment: 'staging', earlybird: false })).toThrow(FeedInvalidError);
    expect(() => selectVersion(feed, { environment: 'constructor', earlybird: false })).toThrow(FeedInvalidError);
    expect(() => parseVersionFeed('just: text\n')).toThrow(FeedInvalidError);
    expect(() => parseVersionFeed('a: [unclosed\n')).toThrow(FeedInvalidError);
  });

  it('writes a feed that reads back the same', () => {
    const feed: VersionFeed = { sandbox: { latest: 'v1.1.0', earlybird: 'v1.2.0-rc.1' }, production: { latest: 'v1.0.0' } };
    expect(parseVersionFeed(formatVersionFeed(feed))).toEqual({ ...feed, production: { latest: 'v1.0.0', earlybird: undefined } });
  });
});
