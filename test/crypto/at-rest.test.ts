import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { atRestCipher, CmsDecryptionError, type KeystoreEntry } from '../../src/crypto/index.js';
import { cucumberEntry, OWN_ORG, openssl, PEER_ORG } from './fixtures.js';
import { through } from './streams.js';

let own: KeystoreEntry;
let peer: KeystoreEntry;
beforeAll(async () => {
  own = await cucumberEntry(OWN_ORG);
  peer = await cucumberEntry(PEER_ORG);
});

describe(atRestCipher.name, () => {
  it('stores a payload that only our key gives back', async () => {
    const payload = randomBytes(50_000);
    const stored = await through(atRestCipher(own).encrypt(), payload);
    expect(stored.includes(payload.subarray(0, 64))).toBe(false);
    expect(await through(atRestCipher(own).decrypt(), stored)).toEqual(payload);
    await expect(through(atRestCipher(peer).decrypt(), stored)).rejects.toBeInstanceOf(CmsDecryptionError);
  });

  it('gives back each of several stored payloads again and again from one cipher', async () => {
    const cipher = atRestCipher(own);
    const payloads = [randomBytes(10_000), randomBytes(20_000)];
    const stored = await Promise.all(payloads.map((p) => through(cipher.encrypt(), p)));
    for (let round = 0; round < 3; round++) {
      for (const [i, s] of stored.entries()) expect(await through(cipher.decrypt(), s)).toEqual(payloads[i]);
    }
  });

  it('writes standard CMS to our own certificate (RSA-OAEP, AES-256-CBC)', async () => {
    const stored = await through(atRestCipher(own).encrypt(), Buffer.from('payload'));
    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], stored).toString('utf8');
    expect(printed).toContain('pkcs7-envelopedData');
    expect(printed).toContain('rsaesOaep');
    expect(printed).toContain('aes-256-cbc');
    expect(printed).toContain(`CN=DIFI test ${OWN_ORG}`);
  });
});
