// Reads what the integration point needs from arkivmelding.xml (api notes §2.3, §5.4): the conversation's
// title and reference, and the files the arkivmelding refers to. Schema validation (strict mode) runs
// the XML against the Noark 5 arkivmelding XSDs, which the caller loads from schemas/arkivmelding/.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import type { FieldProblem } from './errors.js';
import { UnmarshalArkivmeldingError } from './validation-errors.js';

export interface ArkivmeldingSummary {
  /** `journalpost.offentligTittel`: the conversation's `messageTitle`. */
  messageTitle?: string;
  /** `<saksmappe.systemID>-<journalpost.journalpostnummer>`: the conversation's `messageReference`. */
  messageReference?: string;
  saksmappeSystemId?: string;
  journalpostnummer?: string;
  /** `journalpost.tittel`, which DPV shows as the body. */
  journalpostTittel?: string;
  /** Every `dokumentobjekt/referanseDokumentfil`, in document order, without repeats. */
  referencedFiles: string[];
}

export interface XsdFile {
  fileName: string;
  contents: string;
}

const FILE = 'arkivmelding.xml';
const MAIN_XSD = 'arkivmelding.xsd';
const DTD = /<!DOCTYPE|<!ENTITY/i;

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** Element children named `name`; every element is an array because of `isArray`. */
function childrenOf(node: unknown, name: string): unknown[] {
  if (typeof node !== 'object' || node === null) return [];
  const value = (node as Node)[name];
  return Array.isArray(value) ? value : [];
}

function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node === '' ? undefined : node;
  if (typeof node === 'object' && node !== null) {
    const text = (node as Node)['#text'];
    return typeof text === 'string' && text !== '' ? text : undefined;
  }
  return undefined;
}

const childText = (node: unknown, name: string) => textOf(childrenOf(node, name)[0]);

/** `xsi:type="saksmappe"` (any namespace prefix on the value). */
function hasXsiType(node: unknown, type: string): boolean {
  if (typeof node !== 'object' || node === null) return false;
  const value = (node as Node)['@_type'];
  return typeof value === 'string' && value.slice(value.indexOf(':') + 1) === type;
}

/** Depth-first, document order: every element named `name` below `node`. */
function descendants(node: unknown, name: string, out: unknown[] = []): unknown[] {
  if (typeof node !== 'object' || node === null) return out;
  for (const [key, value] of Object.entries(node as Node)) {
    if (key.startsWith('@_') || !Array.isArray(value)) continue;
    for (const child of value) {
      if (key === name) out.push(child);
      descendants(child, name, out);
    }
  }
  return out;
}

function rejectDtd(xml: string): void {
  // A DTD could declare entities (billion laughs, external files); an arkivmelding never needs one.
  if (DTD.test(xml)) throw new UnmarshalArkivmeldingError('arkivmelding.xml must not contain a DOCTYPE or ENTITY declaration');
}

/** Parses arkivmelding.xml text. Throws UnmarshalArkivmeldingError when it is not a readable arkivmelding. */
export function parseArkivmelding(xml: string): ArkivmeldingSummary {
  rejectDtd(xml);
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) {
    throw new UnmarshalArkivmeldingError(`arkivmelding.xml is not well-formed: line ${wellFormed.err.line}: ${wellFormed.err.msg}`);
  }
  const root = childrenOf(parser.parse(xml) as unknown, 'arkivmelding')[0];
  if (root === undefined) throw new UnmarshalArkivmeldingError('the root element of arkivmelding.xml must be arkivmelding');
  const mapper = descendants(root, 'mappe');
  const saksmappe = mapper.find((m) => hasXsiType(m, 'saksmappe')) ?? mapper[0];
  const registreringer = [...descendants(root, 'basisregistrering'), ...descendants(root, 'registrering')];
  const journalpost = registreringer.find((r) => hasXsiType(r, 'journalpost')) ?? registreringer[0];
  const saksmappeSystemId = childText(saksmappe, 'systemID');
  const journalpostnummer = childText(journalpost, 'journalpostnummer');
  const referenced = descendants(root, 'dokumentobjekt').flatMap((d) => childrenOf(d, 'referanseDokumentfil').map(textOf));
  return {
    messageTitle: childText(journalpost, 'offentligTittel'),
    messageReference: saksmappeSystemId && journalpostnummer ? `${saksmappeSystemId}-${journalpostnummer}` : undefined,
    saksmappeSystemId,
    journalpostnummer,
    journalpostTittel: childText(journalpost, 'tittel'),
    referencedFiles: [...new Set(referenced.filter((name): name is string => name !== undefined))],
  };
}

/**
 * Validates arkivmelding.xml against the arkivmelding XSDs (strict mode). `xsdFiles` holds
 * arkivmelding.xsd and the schemas it imports (metadatakatalog.xsd). Returns the problems; empty when valid.
 */
export async function validateArkivmeldingXml(xml: string, xsdFiles: readonly XsdFile[]): Promise<FieldProblem[]> {
  if (DTD.test(xml)) {
    return [{ field: FILE, message: 'must not contain a DOCTYPE or ENTITY declaration', code: 'ArkivmeldingSchema' }];
  }
  const main = xsdFiles.find((f) => f.fileName === MAIN_XSD);
  if (!main) throw new TypeError(`validateArkivmeldingXml needs ${MAIN_XSD} among the schema files`);
  const result = await validateXML({
    xml: [{ fileName: FILE, contents: xml }],
    schema: [main],
    preload: xsdFiles.filter((f) => f !== main),
  });
  return result.errors.map((e) => ({
    field: FILE,
    message: e.loc ? `line ${e.loc.lineNumber}: ${e.message.trim()}` : e.message.trim(),
    code: 'ArkivmeldingSchema',
  }));
}
