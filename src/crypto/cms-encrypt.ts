import { createCipheriv, randomBytes, type CipherGCM, type Cipher, type X509Certificate } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { CONTENT_KEY_BYTES, contentEncryptionAlgorithmDer, newContentParameters, type ContentEncryptionParameters, type KeyTransport } from './cms-algorithms.js';
import { recipientInfosDer, type ContentKeyCache } from './cms-recipient.js';
import { encodeLength, encodeOid, END_OF_CONTENTS, openIndefinite, TAG, tlv } from './der.js';
import { OID } from './oids.js';

// Streaming CMS encryption to one recipient certificate. The output is BER with indefinite lengths, the
// ciphertext framed as a series of OCTET STRINGs, so nothing is buffered however large the content
// (the reference streams the same way, transports notes §4.4).

/**
 * - `aes-256-cbc`: EnvelopedData (the default everywhere but DPH).
 * - `aes-256-gcm`: AuthEnvelopedData (RFC 5083), the only GCM form OpenSSL reads and writes.
 * - `aes-256-gcm-tag-appended`: EnvelopedData whose ciphertext ends with the GCM tag, as the reference
 *   writes for DPH (BouncyCastle's CMSEnvelopedDataStreamGenerator, transports notes §4.4).
 */
export type ContentEncryption = 'aes-256-cbc' | 'aes-256-gcm' | 'aes-256-gcm-tag-appended';

export interface CmsEncryptOptions {
  recipient: X509Certificate;
  /** Default RSAES-OAEP (SHA-256); `rsa-pkcs1` for DPE. */
  keyTransport?: KeyTransport;
  /** Default `aes-256-cbc`. */
  contentEncryption?: ContentEncryption;
  /** Remembers the content key, so that decrypting this content later with the same cache needs no RSA (at rest). */
  contentKeys?: ContentKeyCache;
}

const SEGMENT_BYTES = 1024 * 1024;

export function createCmsEncryptStream(options: CmsEncryptOptions): Transform {
  return new CmsEncryptStream(options);
}

class CmsEncryptStream extends Transform {
  readonly #header: Buffer;
  readonly #cipher: Cipher;
  readonly #form: ContentEncryption;
  #headerSent = false;
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(options: CmsEncryptOptions) {
    super();
    this.#form = options.contentEncryption ?? 'aes-256-cbc';
    const contentKey = randomBytes(CONTENT_KEY_BYTES);
    const parameters = newContentParameters(this.#form === 'aes-256-cbc' ? 'aes-256-cbc' : 'aes-256-gcm');
    this.#cipher = createCipheriv(parameters.cipher, contentKey, parameters.iv);
    const recipientInfos = recipientInfosDer(options.recipient, contentKey, options.keyTransport ?? 'rsa-oaep');
    options.contentKeys?.remember(recipientInfos, contentKey);
    this.#header = header({ contentType: this.#form === 'aes-256-gcm' ? OID.authEnvelopedData : OID.envelopedData, recipientInfos, parameters });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#pushHeader();
    this.#collect(this.#cipher.update(chunk));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.#pushHeader();
    const last = this.#cipher.final();
    const tag = this.#form === 'aes-256-cbc' ? undefined : (this.#cipher as CipherGCM).getAuthTag();
    this.#collect(last);
    if (this.#form === 'aes-256-gcm-tag-appended' && tag) this.#collect(tag);
    this.#pushOctets();
    // Closes the encrypted content and the EncryptedContentInfo.
    this.push(Buffer.concat([END_OF_CONTENTS, END_OF_CONTENTS]));
    if (this.#form === 'aes-256-gcm' && tag) this.push(tlv(TAG.OCTET_STRING, tag));
    // Closes EnvelopedData / AuthEnvelopedData, the [0] around it and the ContentInfo.
    this.push(Buffer.concat([END_OF_CONTENTS, END_OF_CONTENTS, END_OF_CONTENTS]));
    callback();
  }

  #pushHeader(): void {
    if (this.#headerSent) return;
    this.#headerSent = true;
    this.push(this.#header);
  }

  /** Ciphertext goes out in OCTET STRINGs of about a MiB: per-chunk stream overhead, not AES, bounds throughput. */
  #collect(bytes: Buffer): void {
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    if (this.#pendingBytes >= SEGMENT_BYTES) this.#pushOctets();
  }

  #pushOctets(): void {
    if (this.#pendingBytes === 0) return;
    this.push(Buffer.concat([Buffer.from([TAG.OCTET_STRING]), encodeLength(this.#pendingBytes), ...this.#pending]));
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}

/** Everything up to the first byte of ciphertext. Both structures have version 0 with one v0 recipient. */
function header(parts: { contentType: string; recipientInfos: Buffer; parameters: ContentEncryptionParameters }): Buffer {
  return Buffer.concat([
    openIndefinite(TAG.SEQUENCE),
    encodeOid(parts.contentType),
    openIndefinite(TAG.CONTEXT_0),
    openIndefinite(TAG.SEQUENCE),
    tlv(TAG.INTEGER, Buffer.from([0])),
    parts.recipientInfos,
    openIndefinite(TAG.SEQUENCE),
    encodeOid(OID.data),
    contentEncryptionAlgorithmDer(parts.parameters),
    openIndefinite(TAG.CONTEXT_0),
  ]);
}
