import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createCmsDecryptStream, readAsic, verifyJwsWithX5c, type KeystoreEntry } from '../../crypto/index.js';
import { DPI_DIGEST_METHOD, type DpiSchemaValidator } from '../../transports/dpi/index.js';
import type { DpiUpload } from './multipart-upload.js';

// What the fake corner 2 checks in a `POST /messages/out` before it takes a letter: the two parts with
// their types and names, the JWS against its x5c, the business message against its JSON Schema, the
// bearer token inside it, the fingerprint against the CMS, and the CMS decrypted with the provider's
// key into an XAdES ASiC-E whose documents match their digests and which holds the SDP manifest.

export class Rejection extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'Rejection';
  }
}

export interface VerifiedLetter {
  sbd: Record<string, unknown>;
  type: 'digital' | 'utskrift';
  body: Record<string, unknown>;
  messageId: string;
  conversationId: string;
  providerOrgnr: string;
  /** The JWS signer's certificate subject. */
  signer: string;
  /** Names of the documents in the ASiC-E, in container order. */
  documents: string[];
}

export interface VerifyOptions {
  upload: DpiUpload;
  bearer: string;
  providers: ReadonlyMap<string, KeystoreEntry>;
  schemas: DpiSchemaValidator;
  /** Where the decrypted ASiC-E is written. */
  asicPath: string;
}

type Json = Record<string, unknown>;
const object = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);

export async function verifyUpload(o: VerifyOptions): Promise<VerifiedLetter> {
  const { forretningsmelding: jwsPart, dokumentpakke: cms } = o.upload;
  if (jwsPart === undefined || cms === undefined) throw new Rejection(400, 'the request needs the parts forretningsmelding and dokumentpakke');
  if (jwsPart.contentType !== 'application/jwt' || jwsPart.filename !== 'sbd.jwt') throw new Rejection(400, 'forretningsmelding must be application/jwt named sbd.jwt');
  if (cms.contentType !== 'application/cms' || cms.filename !== 'asic.cms') throw new Rejection(400, 'dokumentpakke must be application/cms named asic.cms');
  const verified = await verifyJwsWithX5c(jwsPart.text, ['RS256']).catch((error: unknown) => {
    throw new Rejection(400, `the forretningsmelding does not verify: ${error instanceof Error ? error.message : String(error)}`);
  });
  const document = object(parseJson(verified.payload.toString('utf8')));
  const sbd = object(document?.standardBusinessDocument);
  const header = object(sbd?.standardBusinessDocumentHeader);
  const identification = object(header?.documentIdentification);
  const type = identification?.type;
  if (sbd === undefined || (type !== 'digital' && type !== 'utskrift')) throw new Rejection(400, 'the forretningsmelding holds no digital or utskrift standardBusinessDocument');
  const problems = o.schemas.problems(type, document);
  if (problems.length > 0) throw new Rejection(400, `the ${type} breaks its JSON Schema: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const body = object(sbd[type]) ?? {};
  if (body.maskinportentoken !== o.bearer) throw new Rejection(400, 'maskinportentoken is not the bearer token of the request');
  const fingerprint = object(body.dokumentpakkefingeravtrykk);
  if (fingerprint?.digestMethod !== DPI_DIGEST_METHOD || fingerprint.digestValue !== cms.sha256) throw new Rejection(400, 'dokumentpakkefingeravtrykk does not match the dokumentpakke');
  const receiver = String(object(object((header?.receiver as unknown[] | undefined)?.[0])?.identifier)?.value ?? '');
  const providerOrgnr = receiver.replace(/^0192:/, '');
  const key = o.providers.get(providerOrgnr);
  if (key === undefined) throw new Rejection(400, `no mailbox or print provider ${receiver}`);
  const documents = await openDokumentpakke(cms.path, key, o.asicPath);
  const scope = object((object(header?.businessScope)?.scope as unknown[] | undefined)?.[0]);
  return {
    sbd, type, body, providerOrgnr, documents,
    messageId: String(identification?.instanceIdentifier ?? ''),
    conversationId: String(scope?.instanceIdentifier ?? ''),
    signer: verified.chain[0]?.subject ?? '',
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Rejection(400, 'the forretningsmelding payload is not JSON');
  }
}

async function openDokumentpakke(cmsPath: string, key: KeystoreEntry, asicPath: string): Promise<string[]> {
  try {
    await pipeline(createReadStream(cmsPath), createCmsDecryptStream(key), createWriteStream(asicPath));
  } catch (error) {
    throw new Rejection(400, `the dokumentpakke does not decrypt with the provider's key: ${error instanceof Error ? error.message : String(error)}`);
  }
  const asic = await readAsic(asicPath).catch((error: unknown) => {
    throw new Rejection(400, `the dokumentpakke is no ASiC-E: ${error instanceof Error ? error.message : String(error)}`);
  });
  const bad = [...asic.documents.filter((d) => !d.digestMatches).map((d) => d.name), ...asic.missing];
  if (asic.signatureForm !== 'xades' || bad.length > 0) throw new Rejection(400, `the ASiC-E is not a valid XAdES container (${bad.join(', ') || asic.signatureForm})`);
  const names = asic.documents.map((d) => d.name);
  if (names[0] !== 'manifest.xml') throw new Rejection(400, 'the ASiC-E does not start with the SDP manifest.xml');
  return names;
}
