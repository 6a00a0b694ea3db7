import { createHash, sign, type X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, type Name } from '@peculiar/asn1-x509';
import type { DataObject } from './asic-manifest.js';
import type { KeystoreEntry } from './keystore.js';

// META-INF/signatures.xml, the XAdES signature of a DPI ASiC-E (transports notes §4.2): inclusive C14N,
// rsa-sha256, one Reference per file (form-encoded URI, Id ID_n, SHA-256), one to #SignedProperties,
// the chain in KeyInfo, and XAdES 1.3.2 SignedProperties with SigningTime, SigningCertificate (SHA-1
// CertDigest + IssuerSerial) and a DataObjectFormat per file.
//
// The XML is written by hand in canonical form: every namespace is declared on the root, elements are
// never self-closed, attributes are in canonical order and text is escaped as C14N escapes it. The
// canonical form of a subtree is then the subtree as written with the root's namespace declarations
// on its first element, so it is built from the same strings that go into the file.

const NS = {
  asic: 'http://uri.etsi.org/02918/v1.2.1#',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xades: 'http://uri.etsi.org/01903/v1.3.2#',
} as const;

const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
const SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';
/** In-scope namespace declarations, in C14N order (by prefix), as rendered on a canonical subtree's apex. */
const NS_DECLARATIONS = ` xmlns:asic="${NS.asic}" xmlns:ds="${NS.ds}" xmlns:xades="${NS.xades}"`;

export interface XadesOptions {
  objects: readonly DataObject[];
  signer: KeystoreEntry;
  signingTime: Date;
}

export function xadesSignaturesXml({ objects, signer, signingTime }: XadesOptions): Buffer {
  const signedProperties = signedPropertiesXml(objects, signer.certificate, signingTime);
  const propertiesDigest = createHash('sha256').update(withNamespaces(signedProperties)).digest('base64');
  const signedInfo = signedInfoXml(objects, propertiesDigest);
  const signatureValue = sign('sha256', Buffer.from(withNamespaces(signedInfo)), signer.privateKey).toString('base64');
  const certificates = signer.chain.map((c) => `<ds:X509Certificate>${c.raw.toString('base64')}</ds:X509Certificate>`).join('');
  return Buffer.from([
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<asic:XAdESSignatures${NS_DECLARATIONS}>`,
    '<ds:Signature Id="Signature">',
    signedInfo,
    `<ds:SignatureValue>${signatureValue}</ds:SignatureValue>`,
    `<ds:KeyInfo><ds:X509Data>${certificates}</ds:X509Data></ds:KeyInfo>`,
    `<ds:Object><xades:QualifyingProperties Target="#Signature">${signedProperties}</xades:QualifyingProperties></ds:Object>`,
    '</ds:Signature>',
    '</asic:XAdESSignatures>',
  ].join(''));
}

/** The canonical form of a subtree written by this module: its apex carries the in-scope namespaces. */
function withNamespaces(subtree: string): string {
  return subtree.replace(/^<([\w:]+)/, `<$1${NS_DECLARATIONS}`);
}

function signedInfoXml(objects: readonly DataObject[], propertiesDigest: string): string {
  const references = objects.map((o, index) =>
    `<ds:Reference Id="ID_${index}" URI="${attr(formEncode(o.name))}">${digest(SHA256, o.sha256)}</ds:Reference>`);
  return [
    '<ds:SignedInfo>',
    `<ds:CanonicalizationMethod Algorithm="${C14N}"></ds:CanonicalizationMethod>`,
    `<ds:SignatureMethod Algorithm="${RSA_SHA256}"></ds:SignatureMethod>`,
    ...references,
    `<ds:Reference Type="${SIGNED_PROPERTIES_TYPE}" URI="#SignedProperties">`,
    `<ds:Transforms><ds:Transform Algorithm="${C14N}"></ds:Transform></ds:Transforms>`,
    digest(SHA256, propertiesDigest),
    '</ds:Reference>',
    '</ds:SignedInfo>',
  ].join('');
}

function signedPropertiesXml(objects: readonly DataObject[], cert: X509Certificate, signingTime: Date): string {
  const certDigest = createHash('sha1').update(cert.raw).digest('base64');
  const formats = objects.map((o, index) =>
    `<xades:DataObjectFormat ObjectReference="#ID_${index}"><xades:MimeType>${text(o.mimetype)}</xades:MimeType></xades:DataObjectFormat>`);
  return [
    '<xades:SignedProperties Id="SignedProperties">',
    '<xades:SignedSignatureProperties>',
    `<xades:SigningTime>${signingTime.toISOString().replace(/\.\d{3}Z$/, 'Z')}</xades:SigningTime>`,
    '<xades:SigningCertificate><xades:Cert>',
    `<xades:CertDigest>${digest(SHA1, certDigest)}</xades:CertDigest>`,
    `<xades:IssuerSerial><ds:X509IssuerName>${text(rfc2253(issuerOf(cert)))}</ds:X509IssuerName>`,
    `<ds:X509SerialNumber>${BigInt(`0x${cert.serialNumber}`).toString()}</ds:X509SerialNumber></xades:IssuerSerial>`,
    '</xades:Cert></xades:SigningCertificate>',
    '</xades:SignedSignatureProperties>',
    `<xades:SignedDataObjectProperties>${formats.join('')}</xades:SignedDataObjectProperties>`,
    '</xades:SignedProperties>',
  ].join('');
}

function digest(method: string, value: string): string {
  return `<ds:DigestMethod Algorithm="${method}"></ds:DigestMethod><ds:DigestValue>${value}</ds:DigestValue>`;
}

/** Java's URLEncoder form (the reference's Reference URIs): space as '+', all but [A-Za-z0-9.*_-] escaped. */
export function formEncode(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9.*_-]/.test(char)) out += char;
    else if (char === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** C14N text escaping. */
function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** C14N attribute-value escaping. */
function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
}

function issuerOf(cert: X509Certificate): Name {
  return AsnConvert.parse(cert.raw, Certificate).tbsCertificate.issuer;
}

const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

/** RFC 2253: RDNs last to first; unnamed attribute types as OID=#hex of the DER value. */
function rfc2253(name: Name): string {
  return [...name].reverse().map((rdn) => rdn.map((atv) => {
    const label = ATTRIBUTE_NAMES[atv.type];
    if (label === undefined) return `${atv.type}=#${Buffer.from(AsnConvert.serialize(atv.value)).toString('hex')}`;
    return `${label}=${escapeRdnValue(atv.value.toString())}`;
  }).join('+')).join(',');
}

function escapeRdnValue(value: string): string {
  return value.replace(/([,+"\\<>;])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}
