// The hub's side of the document format (document.ts): the sandbox hub and tests sign with it.
import type { KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { DOCUMENT_TYPE, type CentralDocumentClaims, type DocumentAlgorithm } from './document.js';

export interface SignCentralDocumentOptions {
  privateKey: KeyObject;
  alg: DocumentAlgorithm;
  /** The pinned JWK's `kid`; lets a daemon that pins two keys pick the right one. */
  kid?: string;
  claims: CentralDocumentClaims;
}

export async function signCentralDocument(o: SignCentralDocumentOptions): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(o.claims));
  const header = { alg: o.alg, typ: DOCUMENT_TYPE, ...(o.kid === undefined ? {} : { kid: o.kid }) };
  return new CompactSign(payload).setProtectedHeader(header).sign(o.privateKey);
}
