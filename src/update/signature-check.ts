import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type * as OpenPgp from 'openpgp';
import { SignatureInvalidError, SignerNotValidError, SignerUnknownError } from './errors.js';
import { loadOpenPgp, type PinnedKey } from './signing-keys.js';

// A detached, armoured OpenPGP signature over a file, checked against pinned keys (ops notes §1.5). The
// file is streamed through the verifier, never held in memory.
export interface SignatureCheckOptions {
  file: string;
  armoredSignature: string;
  keys: readonly PinnedKey[];
  now: Date;
  /**
   * Refuse a signer key that has expired or been revoked by `now`, as the reference does after a download.
   * Off when an installed release is checked again before a start: a key that was valid when it signed
   * still vouches for that release, so a key's expiry cannot stop the running version from restarting.
   */
  requireKeyValidNow: boolean;
}

export interface SignatureCheckResult {
  /** Fingerprint of the pinned key that made the signature. */
  fingerprint: string;
}

export async function checkDetachedSignature(o: SignatureCheckOptions): Promise<SignatureCheckResult> {
  const openpgp = await loadOpenPgp();
  const name = basename(o.file);
  let signature: OpenPgp.Signature;
  try {
    signature = await openpgp.readSignature({ armoredSignature: o.armoredSignature });
  } catch (cause) {
    throw new SignatureInvalidError(name, cause);
  }
  const keyIds = signature.getSigningKeyIDs().map((id) => id.toHex());
  const signer = o.keys.find((k) => k.key.getKeyIDs().some((id) => keyIds.includes(id.toHex())));
  if (!signer) throw new SignerUnknownError(name, keyIds);
  if (o.requireKeyValidNow) await checkKeyValidNow(signer, o.now);

  const message = await openpgp.createMessage({ binary: Readable.toWeb(createReadStream(o.file)) as ReadableStream<Uint8Array> });
  try {
    const result = await openpgp.verify({ message, signature, verificationKeys: signer.key, format: 'binary', date: o.now, expectSigned: false });
    await drain(result.data);
    const first = result.signatures[0];
    if (!first) throw new Error('no signature packet');
    await first.verified;
  } catch (cause) {
    throw new SignatureInvalidError(name, cause);
  }
  return { fingerprint: signer.fingerprint };
}

async function checkKeyValidNow(signer: PinnedKey, now: Date): Promise<void> {
  if (await signer.key.isRevoked(undefined, undefined, now)) throw new SignerNotValidError(signer.fingerprint, 'revoked');
  const expires = await signer.key.getExpirationTime();
  if (expires instanceof Date && expires.getTime() <= now.getTime()) throw new SignerNotValidError(signer.fingerprint, 'expired');
}

/** The verifier only settles once the signed data has been read to its end. */
async function drain(data: unknown): Promise<void> {
  if (!isReadable(data)) return;
  const reader = data.getReader();
  for (;;) {
    const { done } = await reader.read();
    if (done) return;
  }
}

function isReadable(value: unknown): value is ReadableStream<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { getReader?: unknown }).getReader === 'function';
}
