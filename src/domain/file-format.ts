// Recognises a file's format from its leading bytes, so an allow-list can be checked on the content and
// not only on the name (issue 2, "Validation"). Works on the first chunk of a stream: no I/O here.
export const FILE_FORMATS = [
  'pdf', 'png', 'jpeg', 'gif', 'tiff', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'zip', 'xml', 'html', 'json', 'text',
] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];
export type DetectedFormat = FileFormat | 'unknown';

/** The allow-list entry that accepts every format, the reference's behaviour (api notes §5.3). */
export const ANY_FORMAT = 'any';

/** How many leading bytes `sniffFormat` wants; more are ignored. */
export const SNIFF_BYTES = 4096;

const TEXT_FAMILY: readonly DetectedFormat[] = ['text', 'json', 'xml', 'html'];

const EXTENSIONS: Record<string, FileFormat> = {
  pdf: 'pdf', png: 'png', jpg: 'jpeg', jpeg: 'jpeg', jpe: 'jpeg', gif: 'gif', tif: 'tiff', tiff: 'tiff',
  docx: 'docx', xlsx: 'xlsx', pptx: 'pptx', odt: 'odt', ods: 'ods', odp: 'odp', zip: 'zip',
  xml: 'xml', xsd: 'xml', html: 'html', htm: 'html', xhtml: 'html', json: 'json', txt: 'text', text: 'text', csv: 'text',
};

const ODF_MIME_PREFIX = 'application/vnd.oasis.opendocument.';
const ODF_KINDS: Record<string, FileFormat> = { text: 'odt', spreadsheet: 'ods', presentation: 'odp' };

export function formatOfExtension(filename: string): FileFormat | undefined {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? undefined : EXTENSIONS[filename.slice(dot + 1).toLowerCase()];
}

const startsWith = (bytes: Buffer, signature: readonly number[]) => signature.every((b, i) => bytes[i] === b);

function sniffBinary(bytes: Buffer): DetectedFormat | undefined {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  const six = bytes.subarray(0, 6).toString('latin1');
  if (six === 'GIF87a' || six === 'GIF89a') return 'gif';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  return undefined;
}

function isZip(bytes: Buffer): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && [0x03, 0x05, 0x07].includes(bytes[2] ?? 0);
}

/** ODF puts an uncompressed `mimetype` entry first; OOXML is told by its part names or the file name. */
function sniffZip(bytes: Buffer, filename: string | undefined): DetectedFormat {
  const nameLength = bytes.readUInt16LE(26);
  const extraLength = bytes.readUInt16LE(28);
  if (bytes.length >= 30 + nameLength && bytes.subarray(30, 30 + nameLength).toString('latin1') === 'mimetype') {
    const content = bytes.subarray(30 + nameLength + extraLength, 30 + nameLength + extraLength + 60).toString('latin1');
    if (content.startsWith(ODF_MIME_PREFIX)) {
      const kind = /^[a-z]+/.exec(content.slice(ODF_MIME_PREFIX.length))?.[0] ?? '';
      return ODF_KINDS[kind] ?? 'zip';
    }
  }
  const byName = filename === undefined ? undefined : formatOfExtension(filename);
  if (byName === 'docx' || byName === 'xlsx' || byName === 'pptx') return byName;
  const names = bytes.toString('latin1');
  if (names.includes('word/')) return 'docx';
  if (names.includes('xl/')) return 'xlsx';
  if (names.includes('ppt/')) return 'pptx';
  return 'zip';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Valid UTF-8 up to a multi-byte sequence the chunk may have cut; undefined if not text. */
function decodeText(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  for (let cut = 0; cut <= Math.min(3, bytes.length); cut++) {
    try {
      return utf8.decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      // A truncated trailing sequence: retry without its bytes.
    }
  }
  return undefined;
}

function sniffText(text: string): DetectedFormat {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('<')) {
    return /<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]/i.test(body.slice(0, 1024)) ? 'html' : 'xml';
  }
  if (body.startsWith('{') || body.startsWith('[')) return 'json';
  return 'text';
}

/**
 * The format of a file from its first chunk (`SNIFF_BYTES` are enough). The file name only tells the
 * zip-based office formats apart when their bytes do not.
 */
export function sniffFormat(firstChunk: Buffer, filename?: string): DetectedFormat {
  const bytes = firstChunk.subarray(0, SNIFF_BYTES);
  const binary = sniffBinary(bytes);
  if (binary) return binary;
  if (isZip(bytes) && bytes.length >= 30) return sniffZip(bytes, filename);
  const text = decodeText(bytes);
  return text === undefined ? 'unknown' : sniffText(text);
}

export interface FormatCheck {
  allowed: boolean;
  detected: DetectedFormat;
  /** Why it was refused, for the error message. */
  reason?: string;
}

/**
 * Checks a file against an allow-list of formats (`any` allows everything). Both the content and the
 * name must agree: a `.pdf` whose bytes are no PDF is refused. Text content under a text-kind name (a
 * `.txt` holding JSON) counts as what the name says, since the bytes cannot tell those apart.
 */
export function checkFileFormat(input: { filename: string; leadingBytes: Buffer; allowed: readonly string[] }): FormatCheck {
  const detected = sniffFormat(input.leadingBytes, input.filename);
  if (input.allowed.includes(ANY_FORMAT)) return { allowed: true, detected };
  const byName = formatOfExtension(input.filename);
  let effective: DetectedFormat = detected;
  if (byName !== undefined && TEXT_FAMILY.includes(byName) && TEXT_FAMILY.includes(detected)) effective = byName;
  else if (byName !== undefined && byName !== detected) {
    return { allowed: false, detected, reason: `its name says ${byName} but its content is ${detected}` };
  }
  if (!input.allowed.includes(effective)) {
    return { allowed: false, detected, reason: `format ${effective} is not in the allowed formats (${input.allowed.join(', ')})` };
  }
  return { allowed: true, detected };
}

export function isFormatAllowed(input: { filename: string; leadingBytes: Buffer; allowed: readonly string[] }): boolean {
  return checkFileFormat(input).allowed;
}
