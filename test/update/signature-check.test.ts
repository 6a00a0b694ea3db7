import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRelease } from '../../src/sandbox/hub/index.js';
import { SignatureInvalidError, SignerNotValidError, SignerUnknownError, UpdateSetupError } from '../../src/update/errors.js';
import { checkDetachedSignature } from '../../src/update/signature-check.js';
import { loadPinnedKeys, type PinnedKey } from '../../src/update/signing-keys.js';
import { generateKeyPair, type KeyPair } from './fake-release.js';

describe(checkDetachedSignature.name, () => {
  let dir: string;
  let pair: KeyPair;
  let pinned: PinnedKey[];
  let file: string;
  const now = new Date();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'efm-sig-'));
    pair = await generateKeyPair();
    await writeFile(join(dir, 'key.asc'), pair.publicKey);
    pinned = await loadPinnedKeys([join(dir, 'key.asc')]);
    file = join(dir, 'archive.zip');
    await writeFile(file, Buffer.alloc(3 * 1024 * 1024, 1));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts a detached signature by a pinned key and names the key', async () => {
    const armoredSignature = await signRelease({ archive: file, privateKey: pair.privateKey });
    const result = await checkDetachedSignature({ file, armoredSignature, keys: pinned, now, requireKeyValidNow: true });
    expect(result.fingerprint).toBe(pinned[0]?.fingerprint);
  });

  it('refuses a signature over other content', async () => {
    const other = join(dir, 'other.zip');
    await writeFile(other, Buffer.alloc(1024, 2));
    const armoredSignature = await signRelease({ archive: other, privateKey: pair.privateKey });
    await expect(checkDetachedSignature({ file, armoredSignature, keys: pinned, now, requireKeyValidNow: true })).rejects.toBeInstanceOf(SignatureInvalidError);
  });

  it('refuses text that is no signature', async () => {
    await expect(checkDetachedSignature({ file, armoredSignature: 'not a signature', keys: pinned, now, requireKeyValidNow: true }))
      .rejects.toMatchObject({ code: 'EFM_UPDATE_SIGNATURE_INVALID' });
  });

  it('refuses a signature by a key that is not pinned', async () => {
    const stranger = await generateKeyPair('stranger');
    const armoredSignature = await signRelease({ archive: file, privateKey: stranger.privateKey });
    await expect(checkDetachedSignature({ file, armoredSignature, keys: pinned, now, requireKeyValidNow: true })).rejects.toBeInstanceOf(SignerUnknownError);
  });

  it('refuses a key that has expired for a new download, but still accepts what it signed while valid when re-checked', async () => {
    const created = new Date(now.getTime() - 2 * 3600_000);
    const expiring = await generateKeyPair('expired', { date: created, keyExpirationTime: 3600 });
    await writeFile(join(dir, 'expired.asc'), expiring.publicKey);
    const keys = await loadPinnedKeys([join(dir, 'expired.asc')]);
    const armoredSignature = await signRelease({ archive: file, privateKey: expiring.privateKey, date: new Date(created.getTime() + 60_000) });
    await expect(checkDetachedSignature({ file, armoredSignature, keys, now, requireKeyValidNow: true })).rejects.toBeInstanceOf(SignerNotValidError);
    await expect(checkDetachedSignature({ file, armoredSignature, keys, now, requireKeyValidNow: false })).resolves.toMatchObject({ fingerprint: keys[0]?.fingerprint });
  });

  it('reports a key file that cannot be read or holds no key as a setup problem', async () => {
    await writeFile(join(dir, 'junk.asc'), 'junk');
    await expect(loadPinnedKeys([join(dir, 'missing.asc')])).rejects.toBeInstanceOf(UpdateSetupError);
    await expect(loadPinnedKeys([join(dir, 'junk.asc')])).rejects.toBeInstanceOf(UpdateSetupError);
  });
});
