import { createHash, sign } from 'node:crypto';
import { Attribute, CertificateChoices, CertificateSet, ContentInfo, DigestAlgorithmIdentifiers, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import { GeneralizedTime, UTCTime } from 'asn1js';
import { systemClock, type Clock } from '../clock/index.js';
import { issuerAndSerialOf } from './certificate.js';
import { bufferToArrayBuffer } from './cms-algorithms.js';
import { encodeOid, TAG, tlv } from './der.js';
import { CryptoError } from './errors.js';
import type { KeystoreEntry } from './keystore.js';
import { DIGEST_OIDS, OID } from './oids.js';

// Detached CMS SignedData, as the reference signs an ASiC manifest (transports notes §4.2): signer
// identified by issuer + serial, the whole chain embedded, and the signed attributes contentType,
// signingTime, messageDigest and CMS algorithm protection. The reference signs with SHA1withRSA; SHA-256
// is our default and SHA-1 a per-use option (transports notes §9.1).

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
  const digestAlgorithm = new AlgorithmIdentifier({ algorithm: DIGEST_OIDS[digest] ?? OID.sha256 });
  const signatureAlgorithm = new AlgorithmIdentifier({ algorithm: OID.rsaEncryption, parameters: null });
  const signedAttrs = sortedForDer([
    attribute(OID.contentType, encodeOid(OID.data)),
    attribute(OID.signingTime, signingTime((options.clock ?? systemClock).now())),
    attribute(OID.messageDigest, tlv(TAG.OCTET_STRING, createHash(digest).update(content).digest())),
    attribute(OID.cmsAlgorithmProtection, algorithmProtection(digestAlgorithm, signatureAlgorithm)),
  ]);
  const signedAttrsDer = tlv(TAG.SET, ...signedAttrs.map((a) => Buffer.from(AsnConvert.serialize(a))));
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({ issuerAndSerialNumber: issuerAndSerialOf(signer.certificate) }),
    digestAlgorithm,
    signedAttrs,
    signatureAlgorithm,
    signature: new OctetString(sign(digest, signedAttrsDer, signer.privateKey)),
  });
  const signedData = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([digestAlgorithm]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: new CertificateSet(signer.chain.map((c) => new CertificateChoices({ certificate: AsnConvert.parse(c.raw, Certificate) }))),
    signerInfos: new SignerInfos([signerInfo]),
  });
  const contentInfo = new ContentInfo({ contentType: OID.signedData, content: AsnConvert.serialize(signedData) });
  return Buffer.from(AsnConvert.serialize(contentInfo));
}

function attribute(type: string, value: Buffer): Attribute {
  return new Attribute({ attrType: type, attrValues: [bufferToArrayBuffer(value)] });
}

/** DER sorts the members of a SET OF by their encodings; the signature covers that order. */
function sortedForDer(attributes: Attribute[]): Attribute[] {
  const encoded = attributes.map((a) => ({ a, der: Buffer.from(AsnConvert.serialize(a)) }));
  return encoded.sort((x, y) => Buffer.compare(x.der, y.der)).map((e) => e.a);
}

function signingTime(now: Date): Buffer {
  const time = now.getUTCFullYear() <= UTC_TIME_LAST_YEAR ? new UTCTime({ valueDate: now }) : new GeneralizedTime({ valueDate: now });
  return Buffer.from(time.toBER(false));
}

/** RFC 6211 CMSAlgorithmProtection: the digest and, as [1], the signature algorithm. */
function algorithmProtection(digest: AlgorithmIdentifier, signature: AlgorithmIdentifier): Buffer {
  const signatureDer = Buffer.from(AsnConvert.serialize(signature));
  // [1] IMPLICIT replaces the SEQUENCE tag of the AlgorithmIdentifier.
  const implicitSignature = Buffer.concat([Buffer.from([TAG.CONTEXT_1]), signatureDer.subarray(1)]);
  return tlv(TAG.SEQUENCE, Buffer.from(AsnConvert.serialize(digest)), implicitSignature);
}
