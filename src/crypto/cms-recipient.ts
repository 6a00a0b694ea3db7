import { createHash, type X509Certificate } from 'node:crypto';
import { isIssuerAndSerialOf, issuerAndSerialDer, subjectKeyIdentifierOf } from './certificate.js';
import { keyEncryptionAlgorithmDer, unwrapContentKey, wrapContentKey, type KeyTransport } from './cms-algorithms.js';
import { encodeSmallInteger, parseAlgorithmIdentifier, readChildren, readElement, TAG, tlv, type DerElement } from './der.js';
import { CmsFormatError } from './errors.js';
import type { KeystoreEntry } from './keystore.js';

// The one KeyTransRecipientInfo we write (issuer + serial of the receiver's certificate, transports
// notes §4.4) and the choice of ours among those we read.

/** DER of `RecipientInfos` holding one KeyTransRecipientInfo (version 0) for `recipient`. */
export function recipientInfosDer(recipient: X509Certificate, contentKey: Buffer, transport: KeyTransport): Buffer {
  const ktri = tlv(
    TAG.SEQUENCE,
    encodeSmallInteger(0),
    issuerAndSerialDer(recipient),
    keyEncryptionAlgorithmDer(transport),
    tlv(TAG.OCTET_STRING, wrapContentKey(contentKey, recipient.publicKey, transport)),
  );
  return tlv(TAG.SET, ktri);
}

interface KeyTransRecipient {
  /** IssuerAndSerialNumber (a SEQUENCE) or [0] SubjectKeyIdentifier, as written. */
  rid: DerElement;
  keyEncryptionAlgorithm: Buffer;
  encryptedKey: Buffer;
}

/**
 * Opens the content-encryption key. The recipient naming our certificate is used; when none does, the
 * first key-transport recipient is tried, as the reference's decryptor does (transports notes §4.4).
 */
export function recoverContentKey(recipientInfos: Buffer, entry: KeystoreEntry): Buffer {
  const keyTransports = keyTransportRecipients(recipientInfos);
  const ours = keyTransports.find((ktri) => namesCertificate(ktri.rid, entry.certificate)) ?? keyTransports[0];
  if (ours === undefined) throw new CmsFormatError('no key-transport recipient (only RSA key transport is supported)');
  let algorithm;
  try {
    algorithm = parseAlgorithmIdentifier(ours.keyEncryptionAlgorithm);
  } catch (error) {
    throw new CmsFormatError('bad key-encryption algorithm', error);
  }
  return unwrapContentKey(ours.encryptedKey, algorithm, entry.privateKey);
}

/**
 * The KeyTransRecipientInfos in a RecipientInfos SET; the other kinds (tagged [1] to [4]: key agreement,
 * KEK, password, other) are passed over.
 */
function keyTransportRecipients(recipientInfos: Buffer): KeyTransRecipient[] {
  try {
    const set = readElement(recipientInfos, 0);
    if (set.tag !== TAG.SET) throw new RangeError('not a SET');
    return readChildren(set).filter((info) => info.tag === TAG.SEQUENCE).map((info) => {
      const [version, rid, algorithm, encryptedKey] = readChildren(info);
      if (version?.tag !== TAG.INTEGER || rid === undefined || algorithm?.tag !== TAG.SEQUENCE || encryptedKey?.tag !== TAG.OCTET_STRING) {
        throw new RangeError('KeyTransRecipientInfo lacks a field');
      }
      return { rid, keyEncryptionAlgorithm: algorithm.raw, encryptedKey: encryptedKey.content };
    });
  } catch (error) {
    throw new CmsFormatError('bad RecipientInfos', error);
  }
}

function namesCertificate(rid: DerElement, cert: X509Certificate): boolean {
  if (rid.tag === TAG.SEQUENCE) return isIssuerAndSerialOf(rid.raw, cert);
  const ski = subjectKeyIdentifierOf(cert);
  return rid.tag === TAG.CONTEXT_0_PRIMITIVE && ski !== undefined && ski.equals(rid.content);
}

/**
 * Content keys already unwrapped, by the exact RecipientInfos they came from. Unwrapping costs an RSA
 * private-key operation; a stored payload file is decrypted several times on its way out (checks at
 * upload and at send, then packing), and the same RecipientInfos bytes always yield the same key; the
 * encryptor that made a key may remember it at once. The keys stay in this process, as the private key
 * that unwraps them does; the oldest are forgotten first.
 */
export class ContentKeyCache {
  readonly #keys = new Map<string, Buffer>();

  constructor(private readonly maxEntries = 4096) {}

  recover(recipientInfos: Buffer, unwrap: () => Buffer): Buffer {
    const known = this.#keys.get(idOf(recipientInfos));
    if (known !== undefined) return known;
    const key = unwrap();
    this.remember(recipientInfos, key);
    return key;
  }

  /** Called by the encryptor, which made the key: our own content then decrypts without RSA. */
  remember(recipientInfos: Buffer, key: Buffer): void {
    if (this.#keys.size >= this.maxEntries) this.#keys.delete(this.#keys.keys().next().value ?? '');
    this.#keys.set(idOf(recipientInfos), key);
  }

  get size(): number {
    return this.#keys.size;
  }
}

function idOf(recipientInfos: Buffer): string {
  return createHash('sha256').update(recipientInfos).digest('base64');
}
