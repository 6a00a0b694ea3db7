import { constants, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { algorithmIdentifierDer, DER_NULL, encodeSmallInteger, parseAlgorithmIdentifier, readChildren, readElement, TAG, tlv, type AlgorithmIdentifierParts } from './der.js';
import { CmsDecryptionError, CmsFormatError, CmsUnsupportedAlgorithmError } from './errors.js';
import { digestNameOf, OID } from './oids.js';

// Key transport and content-encryption algorithms of our CMS (transports notes §4.4): RSAES-OAEP with
// SHA-256/MGF1-SHA-256/empty label (default), RSA PKCS#1 v1.5 (DPE, and what peers like SvarInn send),
// AES-256-CBC and AES-256-GCM. All RSA and AES work is node:crypto.

export type KeyTransport = 'rsa-oaep' | 'rsa-pkcs1';
export type ContentCipherName = 'aes-256-cbc' | 'aes-256-gcm';

export const CONTENT_KEY_BYTES = 32;
const CBC_IV_BYTES = 16;
const GCM_NONCE_BYTES = 12;
const GCM_TAG_BYTES = 16;
/** RFC 5084: aes-ICVlen DEFAULT 12. */
const GCM_DEFAULT_TAG_BYTES = 12;

/** Parameters, except an explicit NULL, which stands for none (RFC 4055 §2.1 allows both). */
function parametersOf(algorithm: AlgorithmIdentifierParts): Buffer | undefined {
  return algorithm.parameters === undefined || algorithm.parameters.equals(DER_NULL) ? undefined : algorithm.parameters;
}

// --- key transport

/** RSAES-OAEP-params with SHA-256 and MGF1-SHA-256; the empty label is the default and so left out. */
function oaepSha256Parameters(): Buffer {
  return tlv(
    TAG.SEQUENCE,
    tlv(TAG.CONTEXT_0, algorithmIdentifierDer(OID.sha256, DER_NULL)),
    tlv(TAG.CONTEXT_1, algorithmIdentifierDer(OID.mgf1, algorithmIdentifierDer(OID.sha256, DER_NULL))),
  );
}

/** Built once per transport: the same two identifiers go into every CMS we write. */
const keyEncryptionAlgorithms = new Map<KeyTransport, Buffer>();

/** The DER of the key-encryption AlgorithmIdentifier we write for `transport`. */
export function keyEncryptionAlgorithmDer(transport: KeyTransport): Buffer {
  const known = keyEncryptionAlgorithms.get(transport);
  if (known !== undefined) return known;
  const der = transport === 'rsa-oaep' ? algorithmIdentifierDer(OID.rsaesOaep, oaepSha256Parameters()) : algorithmIdentifierDer(OID.rsaEncryption, DER_NULL);
  keyEncryptionAlgorithms.set(transport, der);
  return der;
}

export function wrapContentKey(contentKey: Buffer, recipientKey: KeyObject, transport: KeyTransport): Buffer {
  if (transport === 'rsa-oaep') {
    return publicEncrypt({ key: recipientKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, contentKey);
  }
  return publicEncrypt({ key: recipientKey, padding: constants.RSA_PKCS1_PADDING }, contentKey);
}

/** Recovers the content-encryption key with our private key, for OAEP (any one hash) and PKCS#1 v1.5. */
export function unwrapContentKey(encryptedKey: Buffer, algorithm: AlgorithmIdentifierParts, privateKey: KeyObject): Buffer {
  if (algorithm.algorithm === OID.rsaEncryption) return unwrapPkcs1(encryptedKey, privateKey);
  if (algorithm.algorithm !== OID.rsaesOaep) throw new CmsUnsupportedAlgorithmError(`key transport ${algorithm.algorithm}`);
  const hash = oaepHashOf(parametersOf(algorithm));
  try {
    return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, encryptedKey);
  } catch (error) {
    throw new CmsDecryptionError('our key does not open the content-encryption key', error);
  }
}

/**
 * The OAEP hash from RSAES-OAEP-params (RFC 4055 §4.1; absent fields mean SHA-1). node:crypto uses one
 * hash for OAEP and MGF1, so other combinations and a non-empty label are refused.
 */
function oaepHashOf(parameters: Buffer | undefined): string {
  let hash = 'sha1';
  let mgfHash = 'sha1';
  const fields = parameters === undefined ? [] : readChildren(readElement(parameters, 0));
  for (const field of fields) {
    const inner = parseAlgorithmIdentifier(field.content);
    if (field.tag === TAG.CONTEXT_0) hash = digestName(inner.algorithm);
    if (field.tag === TAG.CONTEXT_1) mgfHash = mgfHashOf(inner);
    if (field.tag === TAG.CONTEXT_2 && !isEmptyLabel(inner)) throw new CmsUnsupportedAlgorithmError('RSAES-OAEP with a label');
  }
  if (hash !== mgfHash) throw new CmsUnsupportedAlgorithmError(`RSAES-OAEP with ${hash} and MGF1-${mgfHash}`);
  return hash;
}

function mgfHashOf(mgf: AlgorithmIdentifierParts): string {
  const parameters = parametersOf(mgf);
  if (mgf.algorithm !== OID.mgf1 || parameters === undefined) throw new CmsUnsupportedAlgorithmError(`mask generation ${mgf.algorithm}`);
  return digestName(parseAlgorithmIdentifier(parameters).algorithm);
}

function isEmptyLabel(pSource: AlgorithmIdentifierParts): boolean {
  const parameters = parametersOf(pSource);
  return pSource.algorithm === OID.pSpecified && (parameters === undefined || readElement(parameters, 0).content.length === 0);
}

function digestName(oid: string): string {
  const name = digestNameOf(oid);
  if (name === undefined) throw new CmsUnsupportedAlgorithmError(`digest ${oid}`);
  return name;
}

/**
 * PKCS#1 v1.5 unpadding over a raw RSA operation: node:crypto no longer decrypts v1.5 (CVE-2023-46809).
 * A bad padding yields a random key instead of an error (RFC 3218 §2.3.2), so a padding oracle learns
 * nothing: the content then fails to decrypt like any wrong key would.
 */
function unwrapPkcs1(encryptedKey: Buffer, privateKey: KeyObject): Buffer {
  let block: Buffer;
  try {
    block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encryptedKey);
  } catch (error) {
    throw new CmsDecryptionError('our key does not open the content-encryption key', error);
  }
  const fallback = randomBytes(CONTENT_KEY_BYTES);
  let separator = 0;
  let valid = (block[0] === 0x00 ? 1 : 0) & (block[1] === 0x02 ? 1 : 0);
  for (let i = 2; i < block.length; i++) {
    const isFirstZero = (block[i] === 0 ? 1 : 0) & (separator === 0 ? 1 : 0);
    separator = isFirstZero ? i : separator;
  }
  valid &= separator >= 10 ? 1 : 0;
  valid &= block.length - separator - 1 === CONTENT_KEY_BYTES ? 1 : 0;
  return valid ? block.subarray(separator + 1) : fallback;
}

// --- content encryption

export interface ContentEncryptionParameters {
  cipher: ContentCipherName;
  iv: Buffer;
  tagBytes: number;
}

export function newContentParameters(cipher: ContentCipherName): ContentEncryptionParameters {
  if (cipher === 'aes-256-cbc') return { cipher, iv: randomBytes(CBC_IV_BYTES), tagBytes: 0 };
  return { cipher, iv: randomBytes(GCM_NONCE_BYTES), tagBytes: GCM_TAG_BYTES };
}

export function contentEncryptionAlgorithmDer(parameters: ContentEncryptionParameters): Buffer {
  if (parameters.cipher === 'aes-256-cbc') return algorithmIdentifierDer(OID.aes256Cbc, tlv(TAG.OCTET_STRING, parameters.iv));
  // GCMParameters (RFC 5084): the nonce and, written out, the 16-byte tag length.
  const gcm = tlv(TAG.SEQUENCE, tlv(TAG.OCTET_STRING, parameters.iv), encodeSmallInteger(parameters.tagBytes));
  return algorithmIdentifierDer(OID.aes256Gcm, gcm);
}

export function parseContentEncryptionAlgorithm(der: Buffer): ContentEncryptionParameters {
  let algorithm: AlgorithmIdentifierParts;
  try {
    algorithm = parseAlgorithmIdentifier(der);
  } catch (error) {
    throw new CmsFormatError('bad content-encryption algorithm', error);
  }
  const parameters = parametersOf(algorithm);
  if (parameters === undefined) throw new CmsFormatError('content-encryption algorithm without parameters');
  if (algorithm.algorithm === OID.aes256Cbc) {
    const iv = readElement(parameters, 0);
    if (iv.tag !== TAG.OCTET_STRING || iv.content.length !== CBC_IV_BYTES) throw new CmsFormatError('bad AES-CBC IV');
    return { cipher: 'aes-256-cbc', iv: Buffer.from(iv.content), tagBytes: 0 };
  }
  if (algorithm.algorithm === OID.aes256Gcm) return parseGcmParameters(parameters);
  throw new CmsUnsupportedAlgorithmError(`content encryption ${algorithm.algorithm}`);
}

function parseGcmParameters(der: Buffer): ContentEncryptionParameters {
  const [nonce, tagLength] = readChildren(readElement(der, 0));
  if (nonce === undefined || nonce.tag !== TAG.OCTET_STRING || nonce.content.length === 0) throw new CmsFormatError('bad AES-GCM nonce');
  if (tagLength !== undefined && (tagLength.tag !== TAG.INTEGER || tagLength.content.length !== 1)) throw new CmsFormatError('bad AES-GCM tag length');
  const tagBytes = tagLength?.content[0] ?? GCM_DEFAULT_TAG_BYTES;
  if (tagBytes < 12 || tagBytes > 16) throw new CmsFormatError(`bad AES-GCM tag length ${tagBytes}`);
  return { cipher: 'aes-256-gcm', iv: Buffer.from(nonce.content), tagBytes };
}
