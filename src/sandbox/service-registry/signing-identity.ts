import { createPublicKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, CompactSign, exportJWK, type JSONWebKeySet } from 'jose';
import forge from 'node-forge';
import type { Clock } from '../../clock/index.js';

// The key the fake registry signs its answers with, and the JWS and JWK shapes of the real one
// (addressing notes §2.7): RS256, header `{alg, x5c, kid}` with the RFC 7638 thumbprint as kid.

export interface SigningIdentity {
  privateKey: KeyObject;
  certificatePem: string;
}

const DEFAULTS = {
  commonName: 'Sandbox Service Registry',
  /** Digdir's organisation number, the subject of the real registry's certificate. */
  serialNumber: '991825827',
  validityYears: 10,
};

/** A fresh RSA key with a self-signed certificate; node:crypto makes the key, node-forge the certificate. */
export function createSigningIdentity(clock: Clock): SigningIdentity {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  certificate.serialNumber = positiveSerial();
  const notBefore = clock.now();
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + DEFAULTS.validityYears);
  certificate.validity.notBefore = notBefore;
  certificate.validity.notAfter = notAfter;
  const subject = [
    { name: 'commonName', value: DEFAULTS.commonName },
    { name: 'serialNumber', value: DEFAULTS.serialNumber },
  ];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.sign(forgeKey, forge.md.sha256.create());
  return { privateKey, certificatePem: forge.pki.certificateToPem(certificate) };
}

// DER wants a positive INTEGER in minimal form: the first byte in 0x01..0x7f.
function positiveSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

export interface RegistrySigner {
  jwks: JSONWebKeySet;
  sign(payload: string): Promise<string>;
}

export async function createRegistrySigner(identity: SigningIdentity): Promise<RegistrySigner> {
  const der = new X509Certificate(identity.certificatePem).raw.toString('base64');
  const { kty, e, n } = await exportJWK(createPublicKey(identity.privateKey));
  if (kty !== 'RSA' || e === undefined || n === undefined) throw new TypeError('the registry signing key must be RSA');
  const kid = await calculateJwkThumbprint({ kty, e, n }, 'sha256');
  return {
    jwks: { keys: [{ kty, e, n, use: 'sig', alg: 'RS256', kid, x5c: [der] }] },
    sign: (payload) => new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: 'RS256', x5c: [der], kid })
      .sign(identity.privateKey),
  };
}
