import { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, Extension, id_ce_subjectKeyIdentifier, SubjectKeyIdentifier } from '@peculiar/asn1-x509';
import { IssuerAndSerialNumber } from '@peculiar/asn1-cms';
import { readChildren, readElement, TAG, tlv } from './der.js';

// Reading X.509 certificates: node:crypto for keys and checks, the ASN.1 schema for the exact issuer
// name and serial that CMS identifies a certificate by.

export interface CertificateDetails {
  subject: string;
  issuer: string;
  /** Upper-case hex, as node:crypto writes it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  fingerprintSha256: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text, in order. */
export function certificatesFromPem(pem: string): X509Certificate[] {
  return (pem.match(PEM_CERTIFICATE) ?? []).map((block) => new X509Certificate(block));
}

/** One certificate from PEM or DER bytes. */
export function parseCertificate(bytes: Buffer | string): X509Certificate {
  return new X509Certificate(bytes);
}

// Parsing a certificate with the ASN.1 schema costs milliseconds, more than the CMS work around it, and
// the same few certificates (ours, our peers') name the recipient of every CMS written and read: each
// parse is kept, by the certificate's SHA-256 fingerprint. The parsed objects are only ever read.
const PARSED_LIMIT = 256;
const parsedCertificates = new Map<string, Certificate>();

function asn1Of(cert: X509Certificate): Certificate {
  const key = cert.fingerprint256;
  const known = parsedCertificates.get(key);
  if (known !== undefined) return known;
  const parsed = AsnConvert.parse(cert.raw, Certificate);
  const oldest = parsedCertificates.keys().next();
  if (parsedCertificates.size >= PARSED_LIMIT && oldest.done !== true) parsedCertificates.delete(oldest.value);
  parsedCertificates.set(key, parsed);
  return parsed;
}

export function certificateDetails(cert: X509Certificate): CertificateDetails {
  const validity = asn1Of(cert).tbsCertificate.validity;
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    serialNumber: cert.serialNumber.toUpperCase(),
    notBefore: validity.notBefore.getTime(),
    notAfter: validity.notAfter.getTime(),
    fingerprintSha256: cert.fingerprint256,
  };
}

/** node:crypto writes multi-valued names one attribute per line. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/** The recipient/signer identifier CMS uses (issuer name and serial, byte-exact from the certificate). */
export function issuerAndSerialOf(cert: X509Certificate): IssuerAndSerialNumber {
  const tbs = asn1Of(cert).tbsCertificate;
  return new IssuerAndSerialNumber({ issuer: tbs.issuer, serialNumber: tbs.serialNumber });
}

const issuerAndSerialDers = new WeakMap<X509Certificate, Buffer>();

/**
 * The DER of IssuerAndSerialNumber for `cert`: its issuer Name and serial INTEGER cut out of the
 * certificate's own bytes (TBSCertificate: [0] version, serialNumber, signature, issuer, …).
 */
export function issuerAndSerialDer(cert: X509Certificate): Buffer {
  const known = issuerAndSerialDers.get(cert);
  if (known !== undefined) return known;
  const [tbs] = readChildren(readElement(cert.raw, 0));
  const fields = tbs === undefined ? [] : readChildren(tbs);
  const afterVersion = fields[0]?.tag === TAG.CONTEXT_0 ? fields.slice(1) : fields;
  const [serial, , issuer] = afterVersion;
  if (serial?.tag !== TAG.INTEGER || issuer?.tag !== TAG.SEQUENCE) throw new RangeError('certificate without serial number and issuer');
  const der = tlv(TAG.SEQUENCE, issuer.raw, serial.raw);
  issuerAndSerialDers.set(cert, der);
  return der;
}

export function subjectKeyIdentifierOf(cert: X509Certificate): Buffer | undefined {
  const extensions: Extension[] = asn1Of(cert).tbsCertificate.extensions ?? [];
  const ski = extensions.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  if (ski === undefined) return undefined;
  return Buffer.from(AsnConvert.parse(ski.extnValue, SubjectKeyIdentifier).buffer);
}

const reencodedIssuerAndSerials = new WeakMap<X509Certificate, Buffer>();

/**
 * True when `id` names `cert`. Given as DER, it is compared with the bytes cut from the certificate;
 * given parsed, both sides are encoded again by the schema, so an oddly encoded but equal name matches.
 */
export function isIssuerAndSerialOf(id: IssuerAndSerialNumber | Buffer, cert: X509Certificate): boolean {
  if (Buffer.isBuffer(id)) return issuerAndSerialDer(cert).equals(id);
  let own = reencodedIssuerAndSerials.get(cert);
  if (own === undefined) {
    own = Buffer.from(AsnConvert.serialize(issuerAndSerialOf(cert)));
    reencodedIssuerAndSerials.set(cert, own);
  }
  return own.equals(Buffer.from(AsnConvert.serialize(id)));
}

// The certificates in Service Registry records come as PEM with every lookup, and the same few name
// the receiver of every message: each is parsed once.
const CERTIFICATES_FROM_PEM_LIMIT = 1024;
const parsedPems = new Map<string, X509Certificate>();

/** One certificate from a PEM text, parsed once per distinct text; throws as X509Certificate does. */
export function certificateFromPem(pem: string): X509Certificate {
  const known = parsedPems.get(pem);
  if (known !== undefined) return known;
  const cert = new X509Certificate(pem);
  if (parsedPems.size >= CERTIFICATES_FROM_PEM_LIMIT) parsedPems.delete(parsedPems.keys().next().value ?? '');
  parsedPems.set(pem, cert);
  return cert;
}

/**
 * Orders `others` into the chain above `leaf` by issuer links; certificates that are not part of the
 * leaf's chain are left out.
 */
export function chainFrom(leaf: X509Certificate, others: readonly X509Certificate[]): X509Certificate[] {
  const chain = [leaf];
  for (let current = leaf; !isSelfIssued(current);) {
    const issuer = others.find((c) => !chain.includes(c) && current.checkIssued(c));
    if (issuer === undefined) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

function isSelfIssued(cert: X509Certificate): boolean {
  return cert.checkIssued(cert);
}
