import { XMLParser } from 'fast-xml-parser';
import { AsicFormatError } from './errors.js';

// The XML files of a CAdES ASiC-E (transports notes §4.2): META-INF/ASiCManifest.xml with the SHA-256
// of each data object, and the OASIS META-INF/manifest.xml. Written in the layout the reference writes.

export const ASIC_MIMETYPE = 'application/vnd.etsi.asic-e+zip';
const ASIC_NS = 'http://uri.etsi.org/02918/v1.2.1#';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const OASIS_NS = 'urn:oasis:names:tc:opendocument:xmlns:manifest:1.0';

/** Digest method URIs by node:crypto name; the reader also takes the older xmldsig# forms (§4.2). */
const DIGEST_METHODS: Readonly<Record<string, string>> = {
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2000/09/xmldsig#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
};

export interface DataObject {
  name: string;
  mimetype: string;
  /** Base64 SHA-256 of the raw bytes. */
  sha256: string;
}

export interface DataObjectReference {
  uri: string;
  mimetype?: string;
  /** node:crypto digest name. */
  digest: string;
  /** Base64. */
  digestValue: string;
}

export interface AsicManifest {
  sigReference?: string;
  references: DataObjectReference[];
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function asicManifestXml(signatureName: string, objects: readonly DataObject[]): Buffer {
  const references = objects.map((o) => [
    `    <DataObjectReference URI="${escapeXml(o.name)}" MimeType="${escapeXml(o.mimetype)}">`,
    '        <ns2:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>',
    `        <ns2:DigestValue>${o.sha256}</ns2:DigestValue>`,
    '    </DataObjectReference>',
  ].join('\n'));
  return Buffer.from([
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    `<ASiCManifest xmlns="${ASIC_NS}" xmlns:ns2="${DSIG_NS}">`,
    `    <SigReference URI="${escapeXml(signatureName)}" MimeType="application/x-pkcs7-signature"/>`,
    ...references,
    '</ASiCManifest>',
    '',
  ].join('\n'));
}

export function oasisManifestXml(objects: readonly Pick<DataObject, 'name' | 'mimetype'>[]): Buffer {
  return Buffer.from([
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    `<manifest:manifest xmlns:manifest="${OASIS_NS}">`,
    `    <manifest:file-entry manifest:full-path="/" manifest:media-type="${ASIC_MIMETYPE}"/>`,
    ...objects.map((o) => `    <manifest:file-entry manifest:full-path="${escapeXml(o.name)}" manifest:media-type="${escapeXml(o.mimetype)}"/>`),
    '</manifest:manifest>',
    '',
  ].join('\n'));
}

/** Parses XML we did not write: no DTD (and so no entity tricks), namespace prefixes dropped. */
export function parseUntrustedXml(xml: Buffer, what: string): Record<string, unknown> {
  const text = xml.toString('utf8');
  if (/<!DOCTYPE/i.test(text)) throw new AsicFormatError(`${what} has a DOCTYPE, which is not allowed`);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, processEntities: true, parseTagValue: false, trimValues: true });
  try {
    return parser.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new AsicFormatError(`${what} is not well-formed XML`, error);
  }
}

export function parseAsicManifest(xml: Buffer): AsicManifest {
  const root = parseUntrustedXml(xml, 'META-INF/ASiCManifest.xml').ASiCManifest;
  if (!isRecord(root)) throw new AsicFormatError('META-INF/ASiCManifest.xml has no ASiCManifest element');
  const sigReference = asArray(root.SigReference).map((s) => attribute(s, 'URI')).find((u) => u !== undefined);
  const references = asArray(root.DataObjectReference).map(parseReference);
  return sigReference === undefined ? { references } : { sigReference, references };
}

/**
 * The file References of a XAdES signatures.xml as a manifest: URIs are form-encoded (§4.2) and MIME
 * types come from the DataObjectFormat that points at each Reference's Id.
 */
export function parseXadesReferences(xml: Buffer): AsicManifest {
  const root = parseUntrustedXml(xml, 'META-INF/signatures.xml').XAdESSignatures;
  const signature = isRecord(root) ? asArray(root.Signature)[0] : undefined;
  const signedInfo = isRecord(signature) ? signature.SignedInfo : undefined;
  if (!isRecord(signature) || !isRecord(signedInfo)) throw new AsicFormatError('META-INF/signatures.xml has no ds:Signature/ds:SignedInfo');
  const formats = new Map<string, string>();
  const object = asArray(signature.Object)[0];
  const qualifying = isRecord(object) ? object.QualifyingProperties : undefined;
  const signedProperties = isRecord(qualifying) ? qualifying.SignedProperties : undefined;
  const dataObjects = isRecord(signedProperties) ? signedProperties.SignedDataObjectProperties : undefined;
  for (const format of isRecord(dataObjects) ? asArray(dataObjects.DataObjectFormat) : []) {
    const target = attribute(format, 'ObjectReference');
    const mimetype = isRecord(format) ? textOf(format.MimeType) : undefined;
    if (target !== undefined && mimetype !== undefined) formats.set(target.replace(/^#/, ''), mimetype);
  }
  const files = asArray(signedInfo.Reference).filter((r) => !(attribute(r, 'URI') ?? '#').startsWith('#'));
  return {
    references: files.map((node) => {
      const reference = parseReference(node);
      const mimetype = formats.get(attribute(node, 'Id') ?? '');
      const uri = formDecode(reference.uri);
      return mimetype === undefined ? { ...reference, uri } : { ...reference, uri, mimetype };
    }),
  };
}

function formDecode(uri: string): string {
  try {
    return decodeURIComponent(uri.replace(/\+/g, ' '));
  } catch {
    return uri;
  }
}

function parseReference(node: unknown): DataObjectReference {
  const uri = attribute(node, 'URI');
  const method = isRecord(node) ? attribute(node.DigestMethod, 'Algorithm') : undefined;
  const value = isRecord(node) ? textOf(node.DigestValue) : undefined;
  const digest = method === undefined ? undefined : DIGEST_METHODS[method];
  if (uri === undefined || value === undefined) throw new AsicFormatError('a DataObjectReference lacks its URI or digest');
  if (digest === undefined) throw new AsicFormatError(`unsupported digest method ${String(method)}`);
  const mimetype = attribute(node, 'MimeType');
  return mimetype === undefined ? { uri, digest, digestValue: value } : { uri, mimetype, digest, digestValue: value };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function attribute(node: unknown, name: string): string | undefined {
  if (!isRecord(node)) return undefined;
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (isRecord(node) && typeof node['#text'] === 'string') return node['#text'];
  return undefined;
}
