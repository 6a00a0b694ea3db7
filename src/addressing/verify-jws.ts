import { compactVerify, importJWK } from 'jose';
import { ServiceRegistrySignatureError } from './errors.js';

// Verification of a signed registry answer as the reference does it (addressing notes §2.7): the first
// RSA key of the registry's JWK set, RS256; `kid` and `x5c` are not consulted and no chain is checked.

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function firstRsaKey(jwks: unknown): { kty: 'RSA'; n: string; e: string } {
  const keys = isObject(jwks) && Array.isArray(jwks.keys) ? jwks.keys : [];
  for (const key of keys) {
    if (isObject(key) && key.kty === 'RSA' && typeof key.n === 'string' && typeof key.e === 'string') {
      return { kty: 'RSA', n: key.n, e: key.e };
    }
  }
  throw new ServiceRegistrySignatureError(new Error('the JWK set holds no RSA key'));
}

/** Returns the payload of a compact JWS, or throws ServiceRegistrySignatureError. */
export async function verifyRegistryJws(jws: string, jwks: unknown): Promise<string> {
  const jwk = firstRsaKey(jwks);
  try {
    const key = await importJWK(jwk, 'RS256');
    const { payload } = await compactVerify(jws.trim(), key, { algorithms: ['RS256'] });
    return new TextDecoder().decode(payload);
  } catch (cause) {
    throw new ServiceRegistrySignatureError(cause);
  }
}
