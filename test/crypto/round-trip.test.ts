import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAsicStream, createCmsDecryptStream, createCmsEncryptStream, extractAsic, verifyAsic, type KeystoreEntry } from '../../src/crypto/index.js';
import { cucumberEntry, OWN_ORG, PEER_ORG, tempDir, TEST_CLOCK } from './fixtures.js';
import { generatedStream, hashingSink, peakRssGrowth } from './memory.js';

// The whole outgoing and incoming path for one large document: build the ASiC-E, sign it, encrypt it
// to the receiver, decrypt it there, read and verify it. Peak RSS must not follow the file size.

const SIZE_BYTES = 256 * 1024 * 1024;
const MAX_GROWTH_BYTES = 64 * 1024 * 1024;

let dir: Awaited<ReturnType<typeof tempDir>>;
let sender: KeystoreEntry;
let receiver: KeystoreEntry;
beforeAll(async () => {
  dir = await tempDir();
  sender = await cucumberEntry(OWN_ORG);
  receiver = await cucumberEntry(PEER_ORG);
});
afterAll(async () => { await dir.remove(); });

describe('ASiC-E + CMS round trip', () => {
  it('packs, signs, encrypts, decrypts, reads and verifies 256 MB while RSS stays flat', async () => {
    const original = hashingSink();
    await pipeline(generatedStream(SIZE_BYTES), original);
    const cmsPath = `${dir.path}/message.cms`;
    const asicPath = `${dir.path}/received.asice`;
    const { result, growthBytes } = await peakRssGrowth(async () => {
      const asic = createAsicStream({
        documents: [{ name: 'big.bin', mimetype: 'application/octet-stream', content: () => generatedStream(SIZE_BYTES) }],
        signer: sender,
        signatureDigest: 'sha1',
        clock: TEST_CLOCK,
      });
      await pipeline(asic, createCmsEncryptStream({ recipient: receiver.certificate }), createWriteStream(cmsPath));
      await pipeline(createReadStream(cmsPath), createCmsDecryptStream(receiver), createWriteStream(asicPath));
      const verified = await verifyAsic(asicPath);
      const received = hashingSink();
      await extractAsic(asicPath, `${dir.path}/out`);
      await pipeline(createReadStream(`${dir.path}/out/big.bin`), received);
      return { verified, received };
    });
    expect(result.verified.documents).toEqual([expect.objectContaining({ name: 'big.bin', size: SIZE_BYTES, digestMatches: true })]);
    expect(result.verified.signature?.signer.subject).toBe(`CN=DIFI test ${OWN_ORG}`);
    expect(result.received.digest()).toBe(original.digest());
    expect(growthBytes).toBeLessThan(MAX_GROWTH_BYTES);
  }, 300_000);
});
