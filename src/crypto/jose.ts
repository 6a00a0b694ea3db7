import { X509Certificate } from 'node:crypto';
import {
  CompactEncrypt,
  compactDecrypt,
  CompactSign,
  compactVerify,
  importJWK,
  type CompactJWEHeaderParameters,
  type CompactJWSHeaderParameters,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import { EfmError } from '../domain/index.js';
import { JoseError } from './errors.js';
import type { KeystoreEntry } from './keystore.js';

// JOSE with `jose` (transports notes §3.3, §4.5): JWS RS256 (DPI business messages) and PS256 (DPH)
// carrying our certificate as x5c; JWE RSA-OAEP-256 + A256GCM to a receiver's certificate (DPH); and
// verification against the x5c leaf or a JWK set (Service Registry answers). Whether an x5c certificate
// is trustworthy is the caller's question (SEID2 rules, §6); this module only checks the cryptography.

export type JwsAlgorithm = 'RS256' | 'PS256';

const JWS_ALGORITHMS: JwsAlgorithm[] = ['RS256', 'PS256'];

export interface SignJwsOptions {
  signer: KeystoreEntry;
  alg: JwsAlgorithm;
  /** Extra protected header members (`typ`, `cty`, `kid`). */
  header?: Pick<CompactJWSHeaderParameters, 'typ' | 'cty' | 'kid'>;
  /** Put the whole chain in x5c instead of the leaf only (the reference sends the leaf, §3.1). */
  fullChain?: boolean;
}

export interface VerifiedJws {
  payload: Buffer;
  header: CompactJWSHeaderParameters;
}

export interface VerifiedX5cJws extends VerifiedJws {
  /** The x5c certificates, leaf first; the leaf's key made the signature. */
  chain: X509Certificate[];
}

export async function signJws(payload: Uint8Array | string, options: SignJwsOptions): Promise<string> {
  const certificates = options.fullChain ? options.signer.chain : [options.signer.certificate];
  const x5c = certificates.map((c) => c.raw.toString('base64'));
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return guard(() => new CompactSign(bytes).setProtectedHeader({ ...options.header, alg: options.alg, x5c }).sign(options.signer.privateKey));
}

/** Verifies a compact JWS with the first certificate of its x5c header. */
export async function verifyJwsWithX5c(jws: string, algorithms: JwsAlgorithm[] = JWS_ALGORITHMS): Promise<VerifiedX5cJws> {
  return guard(async () => {
    let chain: X509Certificate[] = [];
    const result = await compactVerify(jws.trim(), (header) => {
      chain = (header.x5c ?? []).map((der) => new X509Certificate(Buffer.from(der, 'base64')));
      const leaf = chain[0];
      if (leaf === undefined) throw new JoseError('the JWS has no x5c certificate');
      return leaf.publicKey;
    }, { algorithms });
    return { payload: Buffer.from(result.payload), header: result.protectedHeader, chain };
  });
}

/**
 * Verifies a compact JWS with a key from a JWK set: the one its `kid` names, or else the first RSA
 * signing key, which is how the reference checks Service Registry answers (§3.3).
 */
export async function verifyJwsWithJwks(jws: string, jwks: JSONWebKeySet, algorithms: JwsAlgorithm[] = JWS_ALGORITHMS): Promise<VerifiedJws> {
  return guard(async () => {
    const result = await compactVerify(jws.trim(), async (header) => importJWK(pickKey(jwks, header.kid), header.alg), { algorithms });
    return { payload: Buffer.from(result.payload), header: result.protectedHeader };
  });
}

function pickKey(jwks: JSONWebKeySet, kid: string | undefined): JWK {
  const rsaKeys = jwks.keys.filter((k) => k.kty === 'RSA' && k.use !== 'enc');
  const key = kid === undefined ? rsaKeys[0] : rsaKeys.find((k) => k.kid === kid);
  if (key === undefined) throw new JoseError(kid === undefined ? 'the JWK set has no RSA signing key' : `the JWK set has no RSA key with kid ${JSON.stringify(kid)}`);
  return key;
}

export interface EncryptJweOptions {
  recipient: X509Certificate;
  /** `JWT` when the payload is a nested JWS, as for DPH (§4.5). */
  cty?: string;
  typ?: string;
}

/** JWE compact serialisation with RSA-OAEP-256 key transport and A256GCM content encryption. */
export async function encryptJwe(payload: Uint8Array | string, options: EncryptJweOptions): Promise<string> {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const header: CompactJWEHeaderParameters = { alg: 'RSA-OAEP-256', enc: 'A256GCM' };
  if (options.cty !== undefined) header.cty = options.cty;
  if (options.typ !== undefined) header.typ = options.typ;
  return guard(() => new CompactEncrypt(bytes).setProtectedHeader(header).encrypt(options.recipient.publicKey));
}

export async function decryptJwe(jwe: string, entry: KeystoreEntry): Promise<{ plaintext: Buffer; header: CompactJWEHeaderParameters }> {
  return guard(async () => {
    const result = await compactDecrypt(jwe.trim(), entry.privateKey, { keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A256GCM'] });
    return { plaintext: Buffer.from(result.plaintext), header: result.protectedHeader };
  });
}

/** jose's errors become JoseError (one code), keeping jose's own as the cause. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof EfmError) throw error;
    throw new JoseError(error instanceof Error ? `JOSE: ${error.message}` : 'JOSE: invalid object', error);
  }
}
