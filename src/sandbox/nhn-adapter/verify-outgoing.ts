import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createCmsDecryptStream, decryptJwe, readAsic, verifyJwsWithX5c, type KeystoreEntry } from '../../crypto/index.js';
import {
  businessMessageOf, conversationIdOf, messageIdOf, parsePartnerIdentifier, parseStandardBusinessDocument, receiverOf, senderOf,
  typeOf, type StandardBusinessDocument,
} from '../../domain/index.js';
import { Refusal, type OutgoingUpload } from './outgoing-upload.js';

// What the fake nhn-adapter checks in a `POST /messages/out` before it takes a message (transports notes
// §4.4, §4.5, §5.6): the parts with their types and names; the forretningsmelding a JWE (RSA-OAEP-256,
// A256GCM, cty JWT) that opens with the adapter's key around a PS256 JWS that verifies against its x5c,
// holding a dialogmelding or application receipt between two HER ids; and the dokumentpakke an
// EnvelopedData with AES-256-GCM (the tag after the ciphertext, not AuthEnvelopedData) that decrypts
// with the adapter's key into a CAdES ASiC-E whose documents match their digests, the dialogmelding's
// primary document among them.

export type DphMessageType = 'dialogmelding' | 'dialogmelding_kvittering';

export interface VerifiedOutgoing {
  sbd: StandardBusinessDocument;
  type: DphMessageType;
  messageId: string;
  conversationId: string;
  senderHerId: number;
  receiverHerId: number;
  /** Subject of the JWS signer's certificate. */
  signer: string;
  /** Names of the documents in the ASiC-E, in container order; empty without a dokumentpakke. */
  documents: string[];
}

export interface VerifyOptions {
  upload: OutgoingUpload;
  key: KeystoreEntry;
  /** Where the decrypted ASiC-E is written. */
  asicPath: string;
}

// DER of the OIDs the CMS header must carry: id-envelopedData (1.2.840.113549.1.7.3) and aes256-GCM
// (2.16.840.1.101.3.4.1.46). Both sit in the header, before the first byte of ciphertext.
const ENVELOPED_DATA_OID = Buffer.from('06092a864886f70d010703', 'hex');
const AES256_GCM_OID = Buffer.from('060960864801650304012e', 'hex');
const HEADER_BYTES = 8192;

export async function verifyOutgoing(o: VerifyOptions): Promise<VerifiedOutgoing> {
  const { forretningsmelding: jwe, dokumentpakke: cms } = o.upload;
  if (jwe === undefined) throw new Refusal(400, 'the request needs the part forretningsmelding');
  if (jwe.contentType !== 'application/jose' || jwe.filename !== 'sbd.jwe') throw new Refusal(400, 'forretningsmelding must be application/jose named sbd.jwe');
  if (cms !== undefined && (cms.contentType !== 'application/vnd.etsi.asic-e+zip' || cms.filename !== 'asic.zip')) {
    throw new Refusal(400, 'dokumentpakke must be application/vnd.etsi.asic-e+zip named asic.zip');
  }
  const { sbd, signer } = await openForretningsmelding(jwe.text, o.key);
  const type = typeOf(sbd);
  if (type !== 'dialogmelding' && type !== 'dialogmelding_kvittering') throw new Refusal(400, 'the forretningsmelding holds no dialogmelding or dialogmelding_kvittering');
  const messageId = messageIdOf(sbd);
  const conversationId = conversationIdOf(sbd);
  if (messageId === undefined || conversationId === undefined) throw new Refusal(400, 'the SBD names no messageId or conversationId');
  const senderHerId = herIdOf(senderOf(sbd), 'sender');
  const receiverHerId = herIdOf(receiverOf(sbd), 'receiver');
  if (type === 'dialogmelding' && cms === undefined) throw new Refusal(400, 'a dialogmelding needs its dokumentpakke');
  const documents = cms === undefined ? [] : await openDokumentpakke(cms.path, o.key, o.asicPath);
  const primary = businessMessageOf(sbd)?.hoveddokument;
  if (type === 'dialogmelding' && (typeof primary !== 'string' || !documents.includes(primary))) throw new Refusal(400, 'the dokumentpakke lacks the primary document (hoveddokument)');
  return { sbd, type, messageId, conversationId, senderHerId, receiverHerId, signer, documents };
}

async function openForretningsmelding(text: string, key: KeystoreEntry): Promise<{ sbd: StandardBusinessDocument; signer: string }> {
  const opened = await decryptJwe(text, key).catch((error: unknown) => {
    throw new Refusal(400, `the forretningsmelding does not open with the adapter's key: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (opened.header.cty !== 'JWT') throw new Refusal(400, 'the forretningsmelding JWE must carry cty JWT');
  const verified = await verifyJwsWithX5c(opened.plaintext.toString('utf8'), ['PS256']).catch((error: unknown) => {
    throw new Refusal(400, `the forretningsmelding JWS does not verify: ${error instanceof Error ? error.message : String(error)}`);
  });
  let sbd: StandardBusinessDocument;
  try {
    sbd = parseStandardBusinessDocument(JSON.parse(verified.payload.toString('utf8')));
  } catch (error) {
    throw new Refusal(400, `the forretningsmelding holds no valid SBD: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { sbd, signer: verified.chain[0]?.subject ?? '' };
}

function herIdOf(partner: ReturnType<typeof senderOf>, role: string): number {
  const parsed = partner === undefined ? undefined : parsePartnerIdentifier(partner.value, partner.authority);
  if (parsed?.kind !== 'nhn' || parsed.form !== 'her-id') throw new Refusal(400, `the ${role} must be an nhn-actorid her-id`);
  return Number(parsed.id);
}

async function openDokumentpakke(cmsPath: string, key: KeystoreEntry, asicPath: string): Promise<string[]> {
  const header = await leadingBytes(cmsPath);
  const contentType = header.indexOf(ENVELOPED_DATA_OID);
  if (contentType < 0 || contentType > 16 || !header.includes(AES256_GCM_OID)) {
    throw new Refusal(400, 'the dokumentpakke must be EnvelopedData with AES-256-GCM (the tag after the ciphertext)');
  }
  try {
    await pipeline(createReadStream(cmsPath), createCmsDecryptStream(key), createWriteStream(asicPath));
  } catch (error) {
    throw new Refusal(400, `the dokumentpakke does not decrypt with the adapter's key: ${error instanceof Error ? error.message : String(error)}`);
  }
  const asic = await readAsic(asicPath).catch((error: unknown) => {
    throw new Refusal(400, `the dokumentpakke is no ASiC-E: ${error instanceof Error ? error.message : String(error)}`);
  });
  const bad = [...asic.documents.filter((d) => !d.digestMatches).map((d) => d.name), ...asic.missing];
  if (asic.signatureForm !== 'cades' || asic.signatureError !== undefined || bad.length > 0) {
    throw new Refusal(400, `the ASiC-E is not a valid CAdES container (${bad.join(', ') || asic.signatureError?.message || asic.signatureForm})`);
  }
  return asic.documents.map((d) => d.name);
}

async function leadingBytes(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEADER_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
