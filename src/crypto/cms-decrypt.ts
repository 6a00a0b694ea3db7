import { createDecipheriv, type Decipher, type DecipherGCM } from 'node:crypto';
import type { Transform } from 'node:stream';
import { EfmError } from '../domain/index.js';
import { BerReader, type BerHeader } from './ber-reader.js';
import { parseContentEncryptionAlgorithm, type ContentEncryptionParameters } from './cms-algorithms.js';
import { recoverContentKey, type ContentKeyCache } from './cms-recipient.js';
import { decodeOid, readElement, TAG } from './der.js';
import { CmsDecryptionError, CmsFormatError, CmsUnsupportedAlgorithmError } from './errors.js';
import { transformFromGenerator } from './generator-transform.js';
import type { KeystoreEntry } from './keystore.js';
import { OID } from './oids.js';

// Streaming CMS decryption with our key: EnvelopedData (AES-256-CBC, or AES-256-GCM with the tag after
// the ciphertext as the reference writes for DPH, transports notes §4.4) and AuthEnvelopedData
// (RFC 5083, AES-256-GCM as OpenSSL writes it), in BER or DER. Plaintext is passed on as it is
// decrypted, before the padding or the GCM tag at the end is checked: a stream that ends in an error
// means the whole content is untrustworthy, and the caller must discard what it received.

export interface CmsDecryptOptions {
  /** Remembers content keys already unwrapped, for content that is decrypted again and again (at rest). */
  contentKeys?: ContentKeyCache;
}

export function createCmsDecryptStream(entry: KeystoreEntry, options: CmsDecryptOptions = {}): Transform {
  return transformFromGenerator((source) => decryptCms(source, entry, options));
}

export async function* decryptCms(source: AsyncIterable<Buffer | Uint8Array | string>, entry: KeystoreEntry, options: CmsDecryptOptions = {}): AsyncGenerator<Buffer> {
  try {
    yield* decrypt(new BerReader(source), entry, options);
  } catch (error) {
    if (error instanceof EfmError) throw error;
    throw new CmsFormatError(error instanceof Error ? error.message : String(error), error);
  }
}

async function* decrypt(reader: BerReader, entry: KeystoreEntry, options: CmsDecryptOptions): AsyncGenerator<Buffer> {
  const contentInfo = await expectHeader(reader, TAG.SEQUENCE, 'ContentInfo');
  const contentType = decodeOid(await reader.readElement());
  const isAuthenticated = contentType === OID.authEnvelopedData;
  if (!isAuthenticated && contentType !== OID.envelopedData) throw new CmsUnsupportedAlgorithmError(`content type ${contentType} (expected EnvelopedData)`);
  const explicit = await expectHeader(reader, TAG.CONTEXT_0, 'ContentInfo content');
  const enveloped = await expectHeader(reader, TAG.SEQUENCE, 'EnvelopedData');
  await reader.readElement();
  let recipientInfos = await reader.readElement();
  if (recipientInfos[0] === TAG.CONTEXT_0) recipientInfos = await reader.readElement();
  if (recipientInfos[0] !== TAG.SET) throw new CmsFormatError('RecipientInfos missing');

  const encryptedContentInfo = await expectHeader(reader, TAG.SEQUENCE, 'EncryptedContentInfo');
  await reader.readElement();
  const parameters = parseContentEncryptionAlgorithm(await reader.readElement());
  if (isAuthenticated && parameters.cipher !== 'aes-256-gcm') throw new CmsUnsupportedAlgorithmError('AuthEnvelopedData without AES-GCM');
  const contentKey = options.contentKeys
    ? options.contentKeys.recover(recipientInfos, () => recoverContentKey(recipientInfos, entry))
    : recoverContentKey(recipientInfos, entry);
  const decipher = createContentDecipher(parameters, contentKey);
  const tagInContent = !isAuthenticated && parameters.cipher === 'aes-256-gcm';
  const contentHeader = (await reader.isAtEndOf(encryptedContentInfo)) ? undefined : await reader.readHeader();
  const tail: { tag: Buffer } = { tag: Buffer.alloc(0) };
  if (contentHeader !== undefined) {
    if ((contentHeader.tag & 0xdf) !== TAG.CONTEXT_0_PRIMITIVE) throw new CmsFormatError('bad encryptedContent');
    const pieces = reader.octetString(contentHeader);
    yield* tagInContent ? decipherHoldingTag(pieces, decipher, parameters.tagBytes, tail) : decipherAll(pieces, decipher);
  }
  await reader.close(encryptedContentInfo, 'EncryptedContentInfo');

  if (isAuthenticated) tail.tag = await readMac(reader);
  if (parameters.cipher === 'aes-256-gcm') setTag(decipher, tail.tag, parameters.tagBytes);
  while (!(await reader.isAtEndOf(enveloped))) await reader.readElement();
  await reader.close(enveloped, 'EnvelopedData');
  await reader.close(explicit, 'ContentInfo content');
  await reader.close(contentInfo, 'ContentInfo');
  if (!(await reader.isAtEof())) throw new CmsFormatError('data after the end of the ContentInfo');
  yield finalBlock(decipher);
}

async function expectHeader(reader: BerReader, tag: number, what: string): Promise<BerHeader> {
  const header = await reader.readHeader();
  if (header.tag !== tag) throw new CmsFormatError(`${what}: unexpected tag 0x${header.tag.toString(16)}`);
  return header;
}

function createContentDecipher(parameters: ContentEncryptionParameters, contentKey: Buffer): Decipher {
  if (parameters.cipher === 'aes-256-gcm') return createDecipheriv('aes-256-gcm', contentKey, parameters.iv, { authTagLength: parameters.tagBytes });
  return createDecipheriv('aes-256-cbc', contentKey, parameters.iv);
}

async function* decipherAll(pieces: AsyncIterable<Buffer>, decipher: Decipher): AsyncGenerator<Buffer> {
  for await (const piece of pieces) {
    const plain = decipher.update(piece);
    if (plain.length > 0) yield plain;
  }
}

/** The last `tagBytes` of the content are the GCM tag, not ciphertext: hold them back until the end. */
async function* decipherHoldingTag(pieces: AsyncIterable<Buffer>, decipher: Decipher, tagBytes: number, tail: { tag: Buffer }): AsyncGenerator<Buffer> {
  let held = Buffer.alloc(0);
  for await (const piece of pieces) {
    if (held.length + piece.length <= tagBytes) {
      held = Buffer.concat([held, piece]);
      continue;
    }
    const fromHeld = Math.min(held.length, held.length + piece.length - tagBytes);
    const plain = [decipher.update(held.subarray(0, fromHeld))];
    const keep = tagBytes - (held.length - fromHeld);
    plain.push(decipher.update(piece.subarray(0, piece.length - keep)));
    held = Buffer.concat([held.subarray(fromHeld), piece.subarray(piece.length - keep)]);
    const out = Buffer.concat(plain);
    if (out.length > 0) yield out;
  }
  tail.tag = held;
}

async function readMac(reader: BerReader): Promise<Buffer> {
  const element = readElement(await reader.readElement(), 0);
  if (element.tag === TAG.CONTEXT_1) {
    // RFC 5083 authenticates authAttrs as AAD, which GCM needs before the content that precedes them here.
    throw new CmsUnsupportedAlgorithmError('AuthEnvelopedData with authenticated attributes');
  }
  if (element.tag !== TAG.OCTET_STRING) throw new CmsFormatError('AuthEnvelopedData without a MAC');
  return element.content;
}

function setTag(decipher: Decipher, tag: Buffer, tagBytes: number): void {
  if (tag.length !== tagBytes) throw new CmsDecryptionError(`the GCM tag has ${tag.length} bytes, expected ${tagBytes}`);
  (decipher as DecipherGCM).setAuthTag(tag);
}

function finalBlock(decipher: Decipher): Buffer {
  try {
    return decipher.final();
  } catch (error) {
    throw new CmsDecryptionError('the content does not decrypt with our key (bad padding or authentication tag)', error);
  }
}
