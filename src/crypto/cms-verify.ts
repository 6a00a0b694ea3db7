import { constants, createHash, verify, X509Certificate } from 'node:crypto';
import { ContentInfo, SignedData, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { fromBER, GeneralizedTime, UTCTime } from 'asn1js';
import { isIssuerAndSerialOf, subjectKeyIdentifierOf } from './certificate.js';
import { decodeOid, readChildren, readElement, TAG } from './der.js';
import { CmsFormatError, CmsUnsupportedAlgorithmError, SignatureInvalidError } from './errors.js';
import { digestNameOf, OID } from './oids.js';

// Verification of a detached CMS SignedData with the certificate it embeds. Only the cryptography is
// checked: the reference validates no chain for ASiC signers (transports notes §6), and neither do we.

export interface VerifiedSignature {
  /** The certificate whose key made the signature. */
  signer: X509Certificate;
  /** node:crypto name of the digest algorithm (`sha1`, `sha256`, …). */
  digest: string;
  signingTime?: Date;
}

const RSA_SIGNATURE_DIGESTS: Readonly<Record<string, string>> = {
  [OID.sha1WithRsa]: 'sha1',
  [OID.sha256WithRsa]: 'sha256',
  [OID.sha384WithRsa]: 'sha384',
  [OID.sha512WithRsa]: 'sha512',
};

/** Verifies every signer of `signature` over `content`; throws SignatureInvalidError otherwise. */
export function verifyDetached(signature: Buffer, content: Buffer): VerifiedSignature {
  const signedData = parseSignedData(signature);
  if (signedData.encapContentInfo.eContent !== undefined) throw new SignatureInvalidError('the signature carries its own content; a detached one was expected');
  const certificates = (signedData.certificates ?? [])
    .map((choice) => choice.certificate)
    .filter((c) => c !== undefined)
    .map((c) => new X509Certificate(Buffer.from(AsnConvert.serialize(c))));
  const rawAttributes = signedAttributesRaw(signature);
  const results = signedData.signerInfos.map((info, index) =>
    verifySigner({ info, signedAttrsRaw: rawAttributes[index], certificates, content, contentType: signedData.encapContentInfo.eContentType }));
  const first = results[0];
  if (first === undefined) throw new SignatureInvalidError('no signer');
  return first;
}

function parseSignedData(signature: Buffer): SignedData {
  try {
    const contentInfo = AsnConvert.parse(signature, ContentInfo);
    if (contentInfo.contentType !== OID.signedData) throw new CmsFormatError(`content type ${contentInfo.contentType} is not SignedData`);
    return AsnConvert.parse(contentInfo.content, SignedData);
  } catch (error) {
    if (error instanceof CmsFormatError) throw error;
    throw new CmsFormatError('not a CMS SignedData', error);
  }
}

interface SignerToVerify {
  info: SignerInfo;
  signedAttrsRaw: Buffer | undefined;
  certificates: X509Certificate[];
  content: Buffer;
  contentType: string;
}

/**
 * The signed attributes of each signer exactly as they were sent: the signature covers those bytes, so
 * they are cut out of the input rather than re-encoded from the parsed form.
 */
function signedAttributesRaw(signature: Buffer): (Buffer | undefined)[] {
  try {
    const [, explicit] = readChildren(readElement(signature, 0));
    const signedData = explicit === undefined ? undefined : readChildren(explicit)[0];
    const signerInfos = signedData === undefined ? undefined : readChildren(signedData).at(-1);
    if (signerInfos === undefined) throw new CmsFormatError('SignedData without signerInfos');
    return readChildren(signerInfos).map((info) => readChildren(info).find((field) => field.tag === TAG.CONTEXT_0)?.raw);
  } catch (error) {
    if (error instanceof CmsFormatError) throw error;
    throw new CmsFormatError('not a CMS SignedData', error);
  }
}

function verifySigner({ info, signedAttrsRaw, certificates, content, contentType }: SignerToVerify): VerifiedSignature {
  const signer = certificates.find((c) => identifies(info, c));
  if (signer === undefined) throw new SignatureInvalidError('the signer certificate is not embedded in the signature');
  const digest = digestNameOf(info.digestAlgorithm.algorithm);
  if (digest === undefined) throw new CmsUnsupportedAlgorithmError(`digest ${info.digestAlgorithm.algorithm}`);
  const contentDigest = createHash(digest).update(content).digest();
  let signedBytes = content;
  let signingTime: Date | undefined;
  if (info.signedAttrs !== undefined && signedAttrsRaw !== undefined) {
    const attrs = new Map(info.signedAttrs.map((a) => [a.attrType, a.attrValues[0]]));
    const type = attrs.get(OID.contentType);
    if (type === undefined || decodeOid(Buffer.from(type)) !== contentType) throw new SignatureInvalidError('the signed content type does not match');
    const messageDigest = attrs.get(OID.messageDigest);
    if (messageDigest === undefined || !readElement(Buffer.from(messageDigest), 0).content.equals(contentDigest)) {
      throw new SignatureInvalidError('the content does not match the signed digest');
    }
    signingTime = timeOf(attrs.get(OID.signingTime));
    // The signature covers the attributes with their SET tag, not the [0] they travel under.
    signedBytes = Buffer.from(signedAttrsRaw);
    signedBytes[0] = TAG.SET;
  }
  const algorithm = info.signatureAlgorithm.algorithm;
  const signatureDigest = algorithm === OID.rsaEncryption ? digest : RSA_SIGNATURE_DIGESTS[algorithm];
  if (signatureDigest === undefined) throw new CmsUnsupportedAlgorithmError(`signature ${algorithm}`);
  const isValid = verify(signatureDigest, signedBytes, { key: signer.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(info.signature.buffer));
  if (!isValid) throw new SignatureInvalidError('the signature does not verify with the embedded certificate');
  return signingTime === undefined ? { signer, digest } : { signer, digest, signingTime };
}

function identifies(info: SignerInfo, cert: X509Certificate): boolean {
  if (info.sid.issuerAndSerialNumber) return isIssuerAndSerialOf(info.sid.issuerAndSerialNumber, cert);
  const ski = subjectKeyIdentifierOf(cert);
  return ski !== undefined && info.sid.subjectKeyIdentifier !== undefined && ski.equals(Buffer.from(info.sid.subjectKeyIdentifier.buffer));
}

function timeOf(value: ArrayBuffer | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = fromBER(value).result;
  return parsed instanceof UTCTime || parsed instanceof GeneralizedTime ? parsed.toDate() : undefined;
}
