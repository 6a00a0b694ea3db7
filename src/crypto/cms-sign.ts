import { createHash, sign, type X509Certificate } from 'node:crypto';
import { Attribute, ContentInfo, DigestAlgorithmIdentifiers, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { GeneralizedTime, UTCTime } from 'asn1js';
import { systemClock, type Clock } from '../clock/index.js';
import { issuerAndSerialOf } from './certificate.js';
import { bufferToArrayBuffer } from './cms-algorithms.js';
import { encodeOid, readChildren, readElement, TAG, tlv } from './der.js';
import { CmsFormatError, CryptoError } from './errors.js';
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
    signerInfos: new SignerInfos([signerInfo]),
  });
  const signedDataDer = withCertificates(Buffer.from(AsnConvert.serialize(signedData)), signer.chain);
  const contentInfo = new ContentInfo({ contentType: OID.signedData, content: bufferToArrayBuffer(signedDataDer) });
  return Buffer.from(AsnConvert.serialize(contentInfo));
}

/**
 * The SignedData with the chain in its `certificates` field ([0] IMPLICIT SET OF), written from the
 * certificates' own DER. Parsing each certificate into the schema classes and encoding it again cost
 * more than everything else in a signature, the RSA operation included.
 */
function withCertificates(signedDataDer: Buffer, chain: readonly X509Certificate[]): Buffer {
  const [version, digestAlgorithms, encapContentInfo, ...rest] = readChildren(readElement(signedDataDer, 0));
  if (version === undefined || digestAlgorithms === undefined || encapContentInfo === undefined) {
    throw new CmsFormatError('the SignedData written lacks its first fields');
  }
  return tlv(TAG.SEQUENCE, version.raw, digestAlgorithms.raw, encapContentInfo.raw, tlv(TAG.CONTEXT_0, ...chain.map((c) => c.raw)), ...rest.map((e) => e.raw));
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
