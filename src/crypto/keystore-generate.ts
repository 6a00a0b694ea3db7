import { createPrivateKey, generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { systemClock, type Clock } from '../clock/index.js';
import type { KeystoreEntry } from './keystore.js';

// A self-signed business certificate in a PKCS#12 file, for a daemon started without a keystore, the
// sandbox and the quick start. node:crypto makes the RSA key (native, fast); forge writes the X.509 and
// PKCS#12 structures. The subject carries the organisation number as serialNumber, like the
// virksomhetssertifikat the reference's peers use.

const DEFAULTS = {
  validDays: 365,
  keyBits: 2048,
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface GenerateKeystoreOptions {
  orgNumber: string;
  commonName?: string;
  validDays?: number;
  /** Written here (mode 0600) when given. */
  out?: string;
  password: string;
  clock?: Clock;
  keyBits?: number;
}

export interface GeneratedKeystore {
  /** The PKCS#12 bytes; the entry's alias is the organisation number. */
  pkcs12: Buffer;
  entry: KeystoreEntry;
}

export async function generateSelfSignedKeystore(options: GenerateKeystoreOptions): Promise<GeneratedKeystore> {
  const { privateKey: keyPem } = await promisify(generateKeyPair)('rsa', {
    modulusLength: options.keyBits ?? DEFAULTS.keyBits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(keyPem);
  const cert = buildCertificate(options, forgeKey);
  const alias = options.orgNumber;
  const p12 = forge.pkcs12.toPkcs12Asn1(forgeKey, [cert], options.password, {
    algorithm: 'aes256',
    friendlyName: alias,
    generateLocalKeyId: true,
  });
  const pkcs12 = Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
  if (options.out !== undefined) await writeFile(options.out, pkcs12, { mode: 0o600 });
  const certificate = new X509Certificate(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary'));
  return { pkcs12, entry: { alias, privateKey: createPrivateKey(keyPem), certificate, chain: [certificate] } };
}

/** 16 random bytes as a minimal positive DER INTEGER: the first byte is 0x01..0x7f. */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) % 0x7f) + 1;
  return bytes.toString('hex');
}

function buildCertificate(options: GenerateKeystoreOptions, key: forge.pki.rsa.PrivateKey): forge.pki.Certificate {
  const now = (options.clock ?? systemClock).now();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = now;
  cert.validity.notAfter = new Date(now.getTime() + (options.validDays ?? DEFAULTS.validDays) * DAY_MS);
  const subject = [
    { shortName: 'C', value: 'NO' },
    { name: 'serialNumber', value: options.orgNumber },
    { shortName: 'CN', value: options.commonName ?? `efm ${options.orgNumber}` },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, keyEncipherment: true, dataEncipherment: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return cert;
}
