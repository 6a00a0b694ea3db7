import { AsicAbsolutePathError, AsicFormatError, AsicPathTraversalError } from './errors.js';

// What a name inside an ASiC-E may be: a relative path that stays inside the container, on every OS.

export const MIMETYPE_ENTRY = 'mimetype';
const META_INF = 'META-INF/';

/** Throws the typed error for a name that could escape the folder it is extracted to. */
export function checkEntryName(name: string): void {
  if (name.length === 0 || name.includes('\0')) throw new AsicFormatError(`empty or binary entry name ${JSON.stringify(name)}`);
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) throw new AsicAbsolutePathError(name);
  const segments = slashed.split('/');
  if (segments.includes('..')) throw new AsicPathTraversalError(name);
  if (slashed !== name) throw new AsicFormatError(`entry name ${JSON.stringify(name)} uses backslashes`);
  const inner = name.endsWith('/') ? segments.slice(0, -1) : segments;
  if (inner.some((s) => s === '' || s === '.')) throw new AsicFormatError(`entry name ${JSON.stringify(name)} has an empty or '.' segment`);
}

export function isMetaInf(name: string): boolean {
  return name.startsWith(META_INF);
}

export function isDirectory(name: string): boolean {
  return name.endsWith('/');
}

/** The META-INF files a reader accepts (transports notes §4.2); anything else there is an error. */
export function isKnownMetaInfFile(name: string): boolean {
  const file = name.slice(META_INF.length);
  return /^ASiCManifest[^/]*\.xml$/.test(file) || /^signature[^/]*\.p7s$/.test(file) || /^signatures[^/]*\.xml$/.test(file) || file === 'manifest.xml';
}

/** A name a writer may give a document. */
export function checkDocumentName(name: string): void {
  checkEntryName(name);
  if (isMetaInf(name) || name === MIMETYPE_ENTRY || isDirectory(name)) throw new AsicFormatError(`${JSON.stringify(name)} cannot be a document name`);
}
