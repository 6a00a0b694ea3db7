import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { XmlReadError } from './errors.js';

// A small ordered view of an XML document for what DPF reads: arkivmelding.xml (whose
// virksomhetsspesifikkeMetadata must keep its children's order) and SvarUt's SOAP answers. Names are
// kept with their prefix (`qname`) and without it (`name`); no DTD is ever read.

export interface XmlElement {
  /** Local name. */
  name: string;
  /** The name as written, with its prefix. */
  qname: string;
  attributes: Readonly<Record<string, string>>;
  children: readonly XmlNode[];
}

export type XmlNode = XmlElement | { text: string };

const DTD = /<!DOCTYPE|<!ENTITY/i;
const ATTRIBUTE_PREFIX = '@_';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});

/** The root element. Throws XmlReadError when the text is not well-formed XML or declares a DTD. */
export function parseXmlTree(xml: string): XmlElement {
  if (DTD.test(xml)) throw new XmlReadError('the XML declares a DOCTYPE or ENTITY, which is not accepted');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new XmlReadError(`the XML is not well-formed: line ${valid.err.line}: ${valid.err.msg}`);
  const nodes = toNodes(parser.parse(xml) as unknown);
  const root = nodes.find(isElement);
  if (root === undefined) throw new XmlReadError('the XML has no root element');
  return root;
}

export function isElement(node: XmlNode): node is XmlElement {
  return 'name' in node;
}

/** Child elements, optionally only those with the local name `name`. */
export function childElements(element: XmlElement | undefined, name?: string): XmlElement[] {
  if (element === undefined) return [];
  return element.children.filter(isElement).filter((e) => name === undefined || e.name === name);
}

export function firstChild(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return childElements(element, name)[0];
}

/** The concatenated text below the element (DOM's textContent). */
export function textContent(node: XmlNode | undefined): string {
  if (node === undefined) return '';
  if (!isElement(node)) return node.text;
  return node.children.map(textContent).join('');
}

/** The text of the first child named `name`; undefined when there is none or it is empty. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const child = firstChild(element, name);
  if (child === undefined) return undefined;
  const text = textContent(child);
  return text === '' ? undefined : text;
}

/** An attribute by local name, whatever its prefix. */
export function attributeOf(element: XmlElement, name: string): string | undefined {
  for (const [key, value] of Object.entries(element.attributes)) {
    if (key === name || key.endsWith(`:${name}`)) return value;
  }
  return undefined;
}

/** `xsi:type="saksmappe"`, with or without a prefix on the value. */
export function hasXsiType(element: XmlElement, type: string): boolean {
  const value = attributeOf(element, 'type');
  return value !== undefined && value.slice(value.indexOf(':') + 1) === type;
}

function toNodes(value: unknown): XmlNode[] {
  if (!Array.isArray(value)) return [];
  const out: XmlNode[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) continue;
    const entry = item as Record<string, unknown>;
    const text = entry['#text'];
    if (text !== undefined) {
      out.push({ text: String(text) });
      continue;
    }
    const qname = Object.keys(entry).find((key) => key !== ':@');
    if (qname === undefined) continue;
    out.push({ qname, name: qname.slice(qname.indexOf(':') + 1), attributes: attributesOf(entry[':@']), children: toNodes(entry[qname]) });
  }
  return out;
}

function attributesOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, attribute] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith(ATTRIBUTE_PREFIX)) out[key.slice(ATTRIBUTE_PREFIX.length)] = String(attribute);
  }
  return out;
}
