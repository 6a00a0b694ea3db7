import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CmsFormatError, SignatureInvalidError, signDetached, verifyDetached, type KeystoreEntry } from '../../src/crypto/index.js';
import { cucumberEntry, OWN_ORG, openssl, tempDir, TEST_CLOCK } from './fixtures.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let own: KeystoreEntry;
let keyFile: string;
let certFile: string;
const manifest = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<ASiCManifest xmlns="http://uri.etsi.org/02918/v1.2.1#"/>\n');
let manifestFile: string;

beforeAll(async () => {
  dir = await tempDir();
  own = await cucumberEntry(OWN_ORG);
  keyFile = join(dir.path, 'key.pem');
  certFile = join(dir.path, 'cert.pem');
  manifestFile = join(dir.path, 'ASiCManifest.xml');
  await writeFile(keyFile, own.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(certFile, own.certificate.toString());
  await writeFile(manifestFile, manifest);
});
afterAll(async () => { await dir.remove(); });

async function opensslVerify(signature: Buffer): Promise<string> {
  const file = join(dir.path, `sig-${randomBytes(4).toString('hex')}.p7s`);
  await writeFile(file, signature);
  return openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', file, '-content', manifestFile, '-CAfile', certFile, '-purpose', 'any', '-out', '/dev/null']).toString('utf8');
}

function opensslSign(args: string[]): Buffer {
  return openssl(['cms', '-sign', '-binary', '-outform', 'DER', '-signer', certFile, '-inkey', keyFile, '-in', manifestFile, ...args]);
}

describe(signDetached.name, () => {
  for (const digest of ['sha256', 'sha1'] as const) {
    it(`makes a ${digest} signature over the manifest that openssl cms -verify accepts`, async () => {
      const signature = signDetached(manifest, { signer: own, digest, clock: TEST_CLOCK });
      await expect(opensslVerify(signature)).resolves.toBeDefined();
      const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], signature).toString('utf8');
      expect(printed).toContain(digest === 'sha1' ? 'sha1' : 'sha256');
      expect(printed).toContain('signingTime');
      expect(printed).toContain(`CN=DIFI test ${OWN_ORG}`);
    });
  }

  it('verifies with our own verifier, signing time included', () => {
    const signature = signDetached(manifest, { signer: own, clock: TEST_CLOCK });
    const verified = verifyDetached(signature, manifest);
    expect(verified.signer.fingerprint256).toBe(own.certificate.fingerprint256);
    expect(verified.digest).toBe('sha256');
    expect(verified.signingTime?.toISOString()).toBe(TEST_CLOCK.now().toISOString());
  });

  it('writes the signing time as GeneralizedTime after 2049 (RFC 5652 §11.3), which openssl reads', async () => {
    const later = new Date('2050-03-04T05:06:07Z');
    const signature = signDetached(manifest, { signer: own, clock: { now: () => later } });
    await expect(opensslVerify(signature)).resolves.toBeDefined();
    expect(openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], signature).toString('utf8')).toMatch(/GENERALIZEDTIME:Mar\s+4 05:06:07 2050 GMT/);
    expect(verifyDetached(signature, manifest).signingTime?.toISOString()).toBe(later.toISOString());
  });
});

describe(verifyDetached.name, () => {
  it('accepts a SHA-1 signature made by openssl cms -sign (as the reference and the harness sign)', () => {
    expect(verifyDetached(opensslSign(['-md', 'sha1']), manifest).digest).toBe('sha1');
  });

  it('accepts a SHA-256 signature made by openssl cms -sign', () => {
    expect(verifyDetached(opensslSign(['-md', 'sha256']), manifest).signer.fingerprint256).toBe(own.certificate.fingerprint256);
  });

  it('accepts an indefinite-length BER signature, as BouncyCastle encodes SignedData', () => {
    const signature = withIndefiniteOuterLengths(opensslSign(['-md', 'sha1']));
    expect(signature.subarray(0, 2)).toEqual(Buffer.from([0x30, 0x80]));
    expect(verifyDetached(signature, manifest).digest).toBe('sha1');
  });

  it('accepts an openssl signature without signed attributes', () => {
    expect(verifyDetached(opensslSign(['-noattr']), manifest).signingTime).toBeUndefined();
  });

  it('refuses content that was changed after signing', () => {
    const signature = signDetached(manifest, { signer: own });
    expect(() => verifyDetached(signature, Buffer.concat([manifest, Buffer.from(' ')]))).toThrow(SignatureInvalidError);
    expect(() => verifyDetached(opensslSign(['-noattr']), Buffer.from('other'))).toThrow(SignatureInvalidError);
  });

  it('refuses a signature whose value was altered', () => {
    const signature = Buffer.from(signDetached(manifest, { signer: own }));
    const at = signature.length - 5;
    signature[at] = (signature[at] ?? 0) ^ 0x01;
    expect(() => verifyDetached(signature, manifest)).toThrow(SignatureInvalidError);
  });

  it('refuses a signature that does not embed its certificate', () => {
    expect(() => verifyDetached(opensslSign(['-nocerts']), manifest)).toThrow(/not embedded/);
  });

  it('refuses bytes that are not a SignedData with CmsFormatError', () => {
    expect(() => verifyDetached(Buffer.from('not a signature'), manifest)).toThrow(CmsFormatError);
  });
});

/** Re-encodes ContentInfo, its [0] and the SignedData with indefinite lengths, the rest as it was. */
function withIndefiniteOuterLengths(der: Buffer): Buffer {
  const headerBytes = (element: Buffer): number => ((element[1] ?? 0) < 0x80 ? 2 : 2 + ((element[1] ?? 0) & 0x7f));
  const contentOf = (element: Buffer): Buffer => element.subarray(headerBytes(element));
  const contentInfo = contentOf(der);
  const oidBytes = 2 + (contentInfo[1] ?? 0);
  const signedData = contentOf(contentOf(contentInfo.subarray(oidBytes)));
  return Buffer.concat([Buffer.from([0x30, 0x80]), contentInfo.subarray(0, oidBytes), Buffer.from([0xa0, 0x80, 0x30, 0x80]), signedData, Buffer.alloc(6)]);
}
