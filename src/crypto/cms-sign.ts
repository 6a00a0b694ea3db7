import { createHash, sign } from 'node:crypto';
import { systemClock, type Clock } from '../clock/index.js';
import { issuerAndSerialDer } from './certificate.js';
import { algorithmIdentifierDer, DER_NULL, encodeOid, encodeSmallInteger, TAG, tlv } from './der.js';
import { CryptoError } from './errors.js';
import type { KeystoreEntry } from './keystore.js';
import { DIGEST_OIDS, OID } from './oids.js';

// Detached CMS SignedData, as the reference signs an ASiC manifest (transports notes §4.2): signer
// identified by issuer + serial, the whole chain embedded, and the signed attributes contentType,
// signingTime, messageDigest and CMS algorithm protection. The reference signs with SHA1withRSA; SHA-256
// is our default and SHA-1 a per-use option (transports notes §9.1). Written as DER by hand: the
// structure is fixed, and the certificates go in as their own bytes.

export type SignatureDigest = 'sha256' | 'sha1';

export interface DetachedSignatureOptions {
  signer: KeystoreEntry;
  /** Default sha256. */
  digest?: SignatureDigest;
  clock?: Clock;
}

/** RFC 5652 §11.3: UTCTime until 2049, GeneralizedTime after. */
const UTC_TIME_LAST_YEAR = 2049;

export function signDetached(content: Buffer, options: DetachedSignatureOptions): Buffer {
  const { signer } = options;
  if (signer.privateKey.asymmetricKeyType !== 'rsa') throw new CryptoError('only RSA keys can sign', { code: 'EFM_CMS_UNSUPPORTED_ALGORITHM', kind: 'internal' });
  const digest = options.digest ?? 'sha256';
  const digestAlgorithm = algorithmIdentifierDer(DIGEST_OIDS[digest] ?? OID.sha256);
  const signatureAlgorithm = algorithmIdentifierDer(OID.rsaEncryption, DER_NULL);
  const signedAttrs = sortedForDer([
    attribute(OID.contentType, encodeOid(OID.data)),
    attribute(OID.signingTime, signingTime((options.clock ?? systemClock).now())),
    attribute(OID.messageDigest, tlv(TAG.OCTET_STRING, createHash(digest).update(content).digest())),
    attribute(OID.cmsAlgorithmProtection, algorithmProtection(digestAlgorithm, signatureAlgorithm)),
  ]);
  // The signature covers the attributes as a SET OF; in the SignerInfo they sit under [0] IMPLICIT.
  const signature = sign(digest, tlv(TAG.SET, ...signedAttrs), signer.privateKey);
  const signerInfo = tlv(
    TAG.SEQUENCE,
    encodeSmallInteger(1),
    issuerAndSerialDer(signer.certificate),
    digestAlgorithm,
    tlv(TAG.CONTEXT_0, ...signedAttrs),
    signatureAlgorithm,
    tlv(TAG.OCTET_STRING, signature),
  );
  const signedData = tlv(
    TAG.SEQUENCE,
    encodeSmallInteger(1),
    tlv(TAG.SET, digestAlgorithm),
    tlv(TAG.SEQUENCE, encodeOid(OID.data)),
    tlv(TAG.CONTEXT_0, ...signer.chain.map((c) => c.raw)),
    tlv(TAG.SET, signerInfo),
  );
  return tlv(TAG.SEQUENCE, encodeOid(OID.signedData), tlv(TAG.CONTEXT_0, signedData));
}

function attribute(type: string, value: Buffer): Buffer {
  return tlv(TAG.SEQUENCE, encodeOid(type), tlv(TAG.SET, value));
}

/** DER sorts the members of a SET OF by their encodings; the signature covers that order. */
function sortedForDer(encodings: Buffer[]): Buffer[] {
  return [...encodings].sort(Buffer.compare);
}

/** RFC 5652 §11.3: UTCTime until 2049, GeneralizedTime after; whole seconds, in UTC. */
function signingTime(now: Date): Buffer {
  const pad = (n: number) => String(n).padStart(2, '0');
  const rest = `${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}Z`;
  const year = now.getUTCFullYear();
  if (year <= UTC_TIME_LAST_YEAR) return tlv(TAG.UTC_TIME, Buffer.from(`${pad(year % 100)}${rest}`, 'latin1'));
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(`${year}${rest}`, 'latin1'));
}

/** RFC 6211 CMSAlgorithmProtection: the digest and, as [1], the signature algorithm. */
function algorithmProtection(digest: Buffer, signature: Buffer): Buffer {
  // [1] IMPLICIT replaces the SEQUENCE tag of the AlgorithmIdentifier.
  const implicitSignature = Buffer.concat([Buffer.from([TAG.CONTEXT_1]), signature.subarray(1)]);
  return tlv(TAG.SEQUENCE, digest, implicitSignature);
}
