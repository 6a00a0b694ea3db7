import { pipeline } from 'node:stream/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCmsDecryptStream, createCmsEncryptStream, type KeystoreEntry } from '../../src/crypto/index.js';
import { cucumberEntry, OWN_ORG } from './fixtures.js';
import { generatedStream, hashingSink, peakRssGrowth } from './memory.js';

const SIZE_BYTES = 200 * 1024 * 1024;
const MAX_GROWTH_BYTES = 64 * 1024 * 1024;

let own: KeystoreEntry;
beforeAll(async () => { own = await cucumberEntry(OWN_ORG); });

describe('CMS streaming', () => {
  for (const contentEncryption of ['aes-256-cbc', 'aes-256-gcm', 'aes-256-gcm-tag-appended'] as const) {
    it(`encrypts and decrypts 200 MB with ${contentEncryption} while RSS stays flat`, async () => {
      const original = hashingSink();
      await pipeline(generatedStream(SIZE_BYTES), original);
      const { result: decrypted, growthBytes } = await peakRssGrowth(async () => {
        const sink = hashingSink();
        await pipeline(generatedStream(SIZE_BYTES), createCmsEncryptStream({ recipient: own.certificate, contentEncryption }), createCmsDecryptStream(own), sink);
        return sink;
      });
      expect(decrypted.bytes()).toBe(SIZE_BYTES);
      expect(decrypted.digest()).toBe(original.digest());
      expect(growthBytes).toBeLessThan(MAX_GROWTH_BYTES);
    }, 120_000);
  }
});
