import type { X509Certificate } from 'node:crypto';
import { decryptJwe, encryptJwe, signJws, verifyJwsWithX5c, type KeystoreEntry } from '../../crypto/index.js';
import { DphIncomingRejectedError, REJECTION_CODES } from './errors.js';

// The DPH forretningsmelding (transports notes §4.5, §5.6): a JWS (PS256, our certificate as x5c) nested
// in a JWE (RSA-OAEP-256, A256GCM, cty JWT) to the adapter's certificate. What comes back is the same
// nesting the other way: a JWE to our certificate around a JWS the adapter signed. The reference checks
// that signature against the adapter's own business certificate (`virksert/991825827`, the one it
// encrypts to), so here the x5c signer must be that very certificate, valid now.

export interface SealOptions {
  signer: KeystoreEntry;
  /** The adapter's certificate. */
  recipient: X509Certificate;
}

export async function sealForretningsmelding(payload: string, options: SealOptions): Promise<string> {
  const jws = await signJws(payload, { signer: options.signer, alg: 'PS256' });
  return encryptJwe(jws, { recipient: options.recipient, cty: 'JWT' });
}

export interface OpenOptions {
  ownKey: KeystoreEntry;
  adapterCertificate: X509Certificate;
  now: Date;
}

/** The payload, or DphIncomingRejectedError with the application receipt code of what is wrong. */
export async function openForretningsmelding(jwe: string, options: OpenOptions): Promise<string> {
  let jws: string;
  try {
    jws = (await decryptJwe(jwe, options.ownKey)).plaintext.toString('utf8');
  } catch (cause) {
    throw new DphIncomingRejectedError(REJECTION_CODES.certificate, 'the forretningsmelding does not open with our key', cause);
  }
  let verified: Awaited<ReturnType<typeof verifyJwsWithX5c>>;
  try {
    verified = await verifyJwsWithX5c(jws, ['PS256']);
  } catch (cause) {
    throw new DphIncomingRejectedError(REJECTION_CODES.signature, 'the forretningsmelding signature does not verify', cause);
  }
  const signer = verified.chain[0];
  if (signer === undefined || signer.fingerprint256 !== options.adapterCertificate.fingerprint256) {
    throw new DphIncomingRejectedError(REJECTION_CODES.certificate, 'the forretningsmelding is not signed by the nhn-adapter');
  }
  if (options.now < new Date(signer.validFrom) || options.now > new Date(signer.validTo)) {
    throw new DphIncomingRejectedError(REJECTION_CODES.certificate, `the nhn-adapter certificate is not valid at ${options.now.toISOString()}`);
  }
  return verified.payload.toString('utf8');
}
