import { describe, expect, it } from 'vitest';
import { configuredSasKey, MissingSasKeyError } from '../../../src/transports/dpe/index.js';
import { sasAuthorization } from '../../../src/transports/dpe/sas-token.js';
import { openssl } from '../../crypto/fixtures.js';

// The SAS header of transports notes §5.5, checked against an HMAC made by the openssl CLI.

describe(sasAuthorization.name, () => {
  it('signs the URL-encoded resource and the expiry 20 s ahead with HMAC-SHA256 under the policy key', () => {
    const header = sasAuthorization({
      resourceUri: 'https://efm-dpe-qa.servicebus.windows.net/nextbestqueue910075935innsyn/messages',
      keyName: 'MoveDPE-pilotPolicy',
      key: 'secret key',
      now: new Date('2019-03-25T11:38:23.900Z'),
    });

    const sr = 'https%3A%2F%2Fefm-dpe-qa.servicebus.windows.net%2Fnextbestqueue910075935innsyn%2Fmessages';
    const se = String(Math.floor(Date.parse('2019-03-25T11:38:23Z') / 1000) + 20);
    const sig = openssl(['dgst', '-sha256', '-hmac', 'secret key', '-binary'], Buffer.from(`${sr}\n${se}`)).toString('base64');
    expect(header).toBe(`SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${se}&skn=MoveDPE-pilotPolicy`);
  });

  it('escapes what Java\'s URLEncoder escapes and encodeURIComponent leaves', () => {
    const header = sasAuthorization({ resourceUri: "http://h/q(1)!'~*", keyName: 'k', key: 'k', now: new Date(0) });
    expect(header).toContain("sr=http%3A%2F%2Fh%2Fq%281%29%21%27%7E*&");
  });
});

describe(configuredSasKey.name, () => {
  it('gives the configured key, and fails each request when none is configured', async () => {
    await expect(configuredSasKey('k').key()).resolves.toBe('k');
    await expect(configuredSasKey(undefined).key()).rejects.toBeInstanceOf(MissingSasKeyError);
  });
});
