import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCmsDecryptStream } from '../../src/crypto/cms-decrypt.js';
import { createCmsEncryptStream } from '../../src/crypto/cms-encrypt.js';
import { ContentKeyCache } from '../../src/crypto/cms-recipient.js';
import { cucumberEntry, OWN_ORG, PEER_ORG } from './fixtures.js';
import { through } from './streams.js';

describe(ContentKeyCache.name, () => {
  it('unwraps a content key once per RecipientInfos and tells different ones apart', () => {
    const cache = new ContentKeyCache();
    const [infosA, infosB] = [randomBytes(300), randomBytes(300)];
    const [keyA, keyB] = [randomBytes(32), randomBytes(32)];
    let unwraps = 0;
    const unwrap = (key: Buffer) => () => { unwraps++; return key; };
    expect(cache.recover(infosA, unwrap(keyA))).toEqual(keyA);
    expect(cache.recover(Buffer.from(infosA), unwrap(randomBytes(32)))).toEqual(keyA);
    expect(cache.recover(infosB, unwrap(keyB))).toEqual(keyB);
    expect(unwraps).toBe(2);
  });

  it('forgets the oldest key beyond its size, and caches nothing when unwrapping fails', () => {
    const cache = new ContentKeyCache(2);
    const [first, ...others] = [randomBytes(10), randomBytes(10), randomBytes(10)];
    for (const i of [first, ...others]) cache.recover(i, () => randomBytes(32));
    expect(cache.size).toBe(2);
    let unwraps = 0;
    cache.recover(first, () => { unwraps++; return randomBytes(32); });
    expect(unwraps).toBe(1);
    const bad = randomBytes(10);
    expect(() => cache.recover(bad, () => { throw new Error('wrong key'); })).toThrow('wrong key');
    expect(cache.size).toBe(2);
  });

  it('takes the key the encryptor remembered, so decrypting needs no RSA operation', async () => {
    const [own, peer] = [await cucumberEntry(OWN_ORG), await cucumberEntry(PEER_ORG)];
    const contentKeys = new ContentKeyCache();
    const payload = randomBytes(5_000);
    const stored = await through(createCmsEncryptStream({ recipient: own.certificate, contentKeys }), payload);
    expect(contentKeys.size).toBe(1);
    // The peer's key could not unwrap it: the content key can only have come from the cache.
    expect(await through(createCmsDecryptStream(peer, { contentKeys }), stored)).toEqual(payload);
    await expect(through(createCmsDecryptStream(peer), stored)).rejects.toThrow();
  });
});
