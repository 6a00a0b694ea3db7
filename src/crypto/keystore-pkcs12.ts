import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { chainFrom } from './certificate.js';
import { KeystoreError, KeystorePasswordError } from './errors.js';
import type { KeystoreEntry, RawKeystore } from './keystore.js';

// PKCS#12 through node-forge (PBES2/AES and the legacy PBE schemes; keytool and OpenSSL 3 files alike).
// Keys and certificates leave forge as DER at once; everything after works on node:crypto objects.

const BAG = {
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
} as const;

interface Bag {
  attributes: Record<string, unknown>;
  key?: forge.pki.rsa.PrivateKey | null;
  cert?: forge.pki.Certificate | null;
  asn1?: forge.asn1.Asn1;
}

export function readPkcs12(bytes: Buffer, password: string, path: string): RawKeystore {
  const pfx = openPfx(bytes, password, path);
  const keyBags = [...bagsOf(pfx, BAG.pkcs8ShroudedKeyBag), ...bagsOf(pfx, BAG.keyBag)];
  const certBags = bagsOf(pfx, BAG.certBag).map((bag) => ({ bag, certificate: certificateOf(bag, path) }));
  const allCertificates = certBags.map((c) => c.certificate);
  const keyEntries: KeystoreEntry[] = keyBags.map((bag, index) => {
    const privateKey = privateKeyOf(bag, path);
    const alias = friendlyName(bag) ?? String(index + 1);
    const byKeyId = certBags.find((c) => sameLocalKeyId(c.bag, bag))?.certificate;
    const leaf = byKeyId ?? allCertificates.find((c) => c.checkPrivateKey(privateKey)) ?? firstOrFail(allCertificates, alias, path);
    return { alias, privateKey, certificate: leaf, chain: chainFrom(leaf, allCertificates) };
  });
  const trusted = certBags
    .filter((c) => !keyBags.some((k) => sameLocalKeyId(c.bag, k)) && friendlyName(c.bag) !== undefined)
    .map((c) => ({ alias: friendlyName(c.bag) ?? '', certificate: c.certificate }));
  return { keyEntries, trusted };
}

function openPfx(bytes: Buffer, password: string, path: string): forge.pkcs12.Pkcs12Pfx {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
  } catch (error) {
    throw new KeystoreError(`${path} is not a PKCS#12 keystore`, 'EFM_KEYSTORE_UNREADABLE', error);
  }
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    // forge reports a failed MAC or key decryption only in its message; this is the one place that reads it.
    if (error instanceof Error && /password/i.test(error.message)) throw new KeystorePasswordError(path, error);
    throw new KeystoreError(`cannot read PKCS#12 keystore ${path}`, 'EFM_KEYSTORE_UNREADABLE', error);
  }
}

function bagsOf(pfx: forge.pkcs12.Pkcs12Pfx, bagType: string): Bag[] {
  return (pfx.getBags({ bagType })[bagType] ?? []) as Bag[];
}

function friendlyName(bag: Bag): string | undefined {
  const names = bag.attributes.friendlyName;
  return Array.isArray(names) && typeof names[0] === 'string' ? names[0] : undefined;
}

function sameLocalKeyId(a: Bag, b: Bag): boolean {
  const idA = a.attributes.localKeyId;
  const idB = b.attributes.localKeyId;
  return Array.isArray(idA) && Array.isArray(idB) && idA[0] !== undefined && idA[0] === idB[0];
}

function privateKeyOf(bag: Bag, path: string): KeyObject {
  if (bag.key) return createPrivateKey(forge.pki.privateKeyToPem(bag.key));
  // forge parses RSA only; other key types come back as their PrivateKeyInfo.
  if (bag.asn1) return createPrivateKey({ key: derOf(bag.asn1), format: 'der', type: 'pkcs8' });
  throw new KeystoreError(`a key entry in ${path} holds no key`);
}

function certificateOf(bag: Bag, path: string): X509Certificate {
  // certificateToAsn1 reuses the parsed TBSCertificate, so the bytes (and the issuer name CMS copies) are kept.
  if (bag.cert) return new X509Certificate(derOf(forge.pki.certificateToAsn1(bag.cert)));
  if (bag.asn1) return new X509Certificate(derOf(bag.asn1));
  throw new KeystoreError(`a certificate entry in ${path} holds no certificate`);
}

function derOf(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function firstOrFail(certificates: X509Certificate[], alias: string, path: string): X509Certificate {
  const first = certificates[0];
  if (first === undefined) throw new KeystoreError(`key entry "${alias}" in ${path} has no certificate`);
  return first;
}
