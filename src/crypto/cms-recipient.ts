import { createHash, type X509Certificate } from 'node:crypto';
import { KeyTransRecipientInfo, RecipientIdentifier, RecipientInfo, RecipientInfos } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { isIssuerAndSerialOf, issuerAndSerialOf, subjectKeyIdentifierOf } from './certificate.js';
import { keyEncryptionAlgorithm, unwrapContentKey, wrapContentKey, type KeyTransport } from './cms-algorithms.js';
import { CmsFormatError } from './errors.js';
import type { KeystoreEntry } from './keystore.js';

// The one KeyTransRecipientInfo we write (issuer + serial of the receiver's certificate, transports
// notes §4.4) and the choice of ours among those we read.

/** DER of `RecipientInfos` holding one KeyTransRecipientInfo for `recipient`. */
export function recipientInfosDer(recipient: X509Certificate, contentKey: Buffer, transport: KeyTransport): Buffer {
  const ktri = new KeyTransRecipientInfo({
    version: 0,
    rid: new RecipientIdentifier({ issuerAndSerialNumber: issuerAndSerialOf(recipient) }),
    keyEncryptionAlgorithm: keyEncryptionAlgorithm(transport),
    encryptedKey: new OctetString(wrapContentKey(contentKey, recipient.publicKey, transport)),
  });
  return Buffer.from(AsnConvert.serialize(new RecipientInfos([new RecipientInfo({ ktri })])));
}

/**
 * Opens the content-encryption key. The recipient naming our certificate is used; when none does, the
 * first key-transport recipient is tried, as the reference's decryptor does (transports notes §4.4).
 */
export function recoverContentKey(recipientInfos: Buffer, entry: KeystoreEntry): Buffer {
  let infos: RecipientInfos;
  try {
    infos = AsnConvert.parse(recipientInfos, RecipientInfos);
  } catch (error) {
    throw new CmsFormatError('bad RecipientInfos', error);
  }
  const keyTransports = infos.map((info) => info.ktri).filter((ktri): ktri is KeyTransRecipientInfo => ktri !== undefined);
  const ours = keyTransports.find((ktri) => namesCertificate(ktri, entry.certificate)) ?? keyTransports[0];
  if (ours === undefined) throw new CmsFormatError('no key-transport recipient (only RSA key transport is supported)');
  return unwrapContentKey(Buffer.from(ours.encryptedKey.buffer), ours.keyEncryptionAlgorithm, entry.privateKey);
}

function namesCertificate(ktri: KeyTransRecipientInfo, cert: X509Certificate): boolean {
  if (ktri.rid.issuerAndSerialNumber) return isIssuerAndSerialOf(ktri.rid.issuerAndSerialNumber, cert);
  const ski = subjectKeyIdentifierOf(cert);
  return ski !== undefined && ktri.rid.subjectKeyIdentifier !== undefined && ski.equals(Buffer.from(ktri.rid.subjectKeyIdentifier.buffer));
}

/**
 * Content keys already unwrapped, by the exact RecipientInfos they came from. Unwrapping costs an RSA
 * private-key operation; a stored payload file is decrypted several times on its way out (checks at
 * upload and at send, then packing), and the same RecipientInfos bytes always yield the same key; the
 * encryptor that made a key may remember it at once. The keys stay in this process, as the private key that unwraps them does; the oldest are forgotten first.
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
