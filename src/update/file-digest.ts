import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DigestMismatchError, ReleaseRefusedError } from './errors.js';

/** SHA-256 of a file, read as a stream. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * The digest in a published `.sha256` file: the hex alone, or `sha256sum` output (`<hex>  <name>`).
 */
export function parseDigestFile(text: string): string {
  const first = text.trim().split(/\s+/)[0] ?? '';
  if (!/^[0-9a-fA-F]{64}$/.test(first)) throw new ReleaseRefusedError('the published .sha256 file holds no SHA-256 digest', 'EFM_UPDATE_DIGEST_MISMATCH');
  return first.toLowerCase();
}

/** Constant-time, as the reference compares its digests (ops notes §1.4 step 5). */
export function checkDigest(file: string, expectedHex: string, actualHex: string): void {
  const expected = Buffer.from(expectedHex.toLowerCase(), 'hex');
  const actual = Buffer.from(actualHex.toLowerCase(), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new DigestMismatchError(basename(file), expectedHex, actualHex);
  }
}
