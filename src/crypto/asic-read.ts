import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { EfmError } from '../domain/index.js';
import { randomId } from '../ids/index.js';
import { certificateDetails, type CertificateDetails } from './certificate.js';
import { ASIC_MIMETYPE, parseAsicManifest, parseXadesReferences, type AsicManifest } from './asic-manifest.js';
import { checkEntryName, isDirectory, isKnownMetaInfFile, isMetaInf, MIMETYPE_ENTRY } from './asic-names.js';
import { verifyDetached } from './cms-verify.js';
import { AsicDigestMismatchError, AsicDuplicateEntryError, AsicFormatError, AsicSizeLimitError, CryptoError, SignatureInvalidError } from './errors.js';

// Safe ASiC-E reader. Before a byte is inflated the central directory is checked: names that could
// escape the target folder, duplicates, encrypted or exotic entries, and declared sizes and compression
// ratios beyond the limits (zip bombs). While inflating, the actual byte count is held to the declared
// one, since a header can lie. Then every document's digest is compared with the manifest and the
// signature over the manifest is verified with its embedded certificate (transports notes §4.2, §6).

export interface AsicReadLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Uncompressed/compressed, checked for entries above `ratioCheckFromBytes`. */
  maxCompressionRatio: number;
  ratioCheckFromBytes: number;
  maxMetaInfBytes: number;
}

export const DEFAULT_ASIC_LIMITS: Readonly<AsicReadLimits> = {
  maxEntries: 1000,
  maxEntryBytes: 2 * 1024 ** 3,
  maxTotalBytes: 2 * 1024 ** 3,
  maxCompressionRatio: 200,
  ratioCheckFromBytes: 1024 * 1024,
  maxMetaInfBytes: 16 * 1024 * 1024,
};

export interface AsicReadOptions {
  limits?: Partial<AsicReadLimits>;
  /** Writes each document below this folder (which must exist) while reading. */
  extractTo?: string;
}

export interface AsicDocumentResult {
  name: string;
  /** From the manifest, when it lists the document. */
  mimetype?: string;
  size: number;
  isListed: boolean;
  digestMatches: boolean;
}

export interface AsicSignatureResult {
  signer: CertificateDetails;
  digest: string;
  signingTime?: Date;
}

export interface AsicReadResult {
  /** `xades`: only the document digests were checked; XAdES signature values are not verified here. */
  signatureForm: 'cades' | 'xades' | 'none';
  documents: AsicDocumentResult[];
  /** Listed in the manifest but absent from the container. */
  missing: string[];
  signature?: AsicSignatureResult;
  /** Why the signature did not verify, when it did not. */
  signatureError?: EfmError;
}

interface CheckedEntry {
  name: string;
  entry: yauzl.Entry;
}

/**
 * Reads and checks a container, reporting digest and signature results without throwing for them;
 * unsafe or malformed containers throw. See verifyAsic for the strict form.
 */
export async function readAsic(path: string, options: AsicReadOptions = {}): Promise<AsicReadResult> {
  const limits = { ...DEFAULT_ASIC_LIMITS, ...options.limits };
  const zip = await openZip(path);
  try {
    const entries = await checkedEntries(zip, limits);
    const metaInf = await readMetaInf(zip, entries, limits);
    const manifestBytes = [...metaInf].find(([name]) => /^META-INF\/ASiCManifest[^/]*\.xml$/.test(name))?.[1];
    const xadesBytes = [...metaInf].find(([name]) => /^META-INF\/signatures[^/]*\.xml$/.test(name))?.[1];
    const manifest = manifestBytes !== undefined ? parseAsicManifest(manifestBytes) : xadesBytes !== undefined ? parseXadesReferences(xadesBytes) : { references: [] };
    const documents: AsicDocumentResult[] = [];
    for (const { name, entry } of entries.filter((e) => !isMetaInf(e.name) && e.name !== MIMETYPE_ENTRY && !isDirectory(e.name))) {
      documents.push(await readDocument({ zip, name, entry, manifest, limits, extractTo: options.extractTo }));
    }
    const names = new Set(documents.map((d) => d.name));
    const missing = manifest.references.map((r) => referenceName(r.uri, names)).filter((n) => !names.has(n));
    if (manifestBytes === undefined && xadesBytes !== undefined) {
      return { signatureForm: 'xades', documents, missing, signatureError: new CryptoError('the XAdES signature value is not verified by efm; only the document digests were checked', { code: 'EFM_XADES_NOT_VERIFIED' }) };
    }
    if (manifestBytes === undefined) return { signatureForm: 'none', documents, missing };
    return { signatureForm: 'cades', documents, missing, ...checkSignature(manifest, manifestBytes, metaInf) };
  } finally {
    zip.close();
  }
}

/** Reads a container and throws unless every document matches a signed manifest. */
export async function verifyAsic(path: string, options: AsicReadOptions = {}): Promise<AsicReadResult> {
  const result = await readAsic(path, options);
  assertAsicValid(result);
  return result;
}

/** Extracts the documents into `folder`; nothing is left there when the container does not verify. */
export async function extractAsic(path: string, folder: string, options: Omit<AsicReadOptions, 'extractTo'> = {}): Promise<AsicReadResult> {
  const staging = join(folder, `.efm-asic-${randomId()}`);
  await mkdir(staging, { recursive: true });
  try {
    const result = await verifyAsic(path, { ...options, extractTo: staging });
    await moveDocuments(staging, folder, result.documents.map((d) => d.name));
    return result;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export function assertAsicValid(result: AsicReadResult): void {
  const bad = [...result.documents.filter((d) => !d.digestMatches).map((d) => d.name), ...result.missing];
  if (bad.length > 0) throw new AsicDigestMismatchError(bad);
  if (result.signatureError !== undefined) throw result.signatureError;
  if (result.signatureForm === 'none' || result.signature === undefined) throw new AsicFormatError('the container has no signed manifest');
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false }, (error, zip) => {
      if (error) reject(new AsicFormatError('not a ZIP file', error));
      else resolve(zip);
    });
  });
}

async function checkedEntries(zip: yauzl.ZipFile, limits: AsicReadLimits): Promise<CheckedEntry[]> {
  const entries: CheckedEntry[] = [];
  const seen = new Set<string>();
  let totalBytes = 0;
  for await (const entry of eachEntry(zip)) {
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
    checkEntryName(name);
    if (seen.has(name)) throw new AsicDuplicateEntryError(name);
    seen.add(name);
    if (seen.size > limits.maxEntries) throw new AsicSizeLimitError(name, `passes the limit of ${limits.maxEntries} entries`);
    if (entry.isEncrypted()) throw new AsicFormatError(`entry ${JSON.stringify(name)} is encrypted`);
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw new AsicFormatError(`entry ${JSON.stringify(name)} uses compression method ${entry.compressionMethod}`);
    if (isMetaInf(name) && !isDirectory(name) && !isKnownMetaInfFile(name)) throw new AsicFormatError(`unexpected file ${JSON.stringify(name)} in META-INF`);
    checkDeclaredSize(name, entry, limits);
    totalBytes += entry.uncompressedSize;
    if (totalBytes > limits.maxTotalBytes) throw new AsicSizeLimitError(name, `brings the container past ${limits.maxTotalBytes} bytes`);
    entries.push({ name, entry });
  }
  return entries;
}

function checkDeclaredSize(name: string, entry: yauzl.Entry, limits: AsicReadLimits): void {
  const max = isMetaInf(name) || name === MIMETYPE_ENTRY ? limits.maxMetaInfBytes : limits.maxEntryBytes;
  if (entry.uncompressedSize > max) throw new AsicSizeLimitError(name, `is ${entry.uncompressedSize} bytes, over the limit of ${max}`);
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (entry.uncompressedSize >= limits.ratioCheckFromBytes && ratio > limits.maxCompressionRatio) {
    throw new AsicSizeLimitError(name, `compresses ${Math.round(ratio)}:1, over the limit of ${limits.maxCompressionRatio}:1`);
  }
}

async function* eachEntry(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      const onEntry = (e: yauzl.Entry): void => { cleanup(); resolve(e); };
      const onEnd = (): void => { cleanup(); resolve(undefined); };
      const onError = (error: Error): void => { cleanup(); reject(new AsicFormatError('corrupt ZIP central directory', error)); };
      const cleanup = (): void => { zip.off('entry', onEntry).off('end', onEnd).off('error', onError); };
      zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
      zip.readEntry();
    });
    if (entry === undefined) return;
    yield entry;
  }
}

async function readMetaInf(zip: yauzl.ZipFile, entries: CheckedEntry[], limits: AsicReadLimits): Promise<Map<string, Buffer>> {
  const mimetype = entries.find((e) => e.name === MIMETYPE_ENTRY);
  if (mimetype === undefined) throw new AsicFormatError('no mimetype entry');
  const files = new Map<string, Buffer>();
  for (const { name, entry } of entries.filter((e) => (isMetaInf(e.name) && !isDirectory(e.name)) || e.name === MIMETYPE_ENTRY)) {
    const chunks: Buffer[] = [];
    await pipeline(await openEntry(zip, entry), counting(name, Math.min(entry.uncompressedSize, limits.maxMetaInfBytes)), new Writable({
      write(chunk: Buffer, _encoding, callback) { chunks.push(chunk); callback(); },
    }));
    files.set(name, Buffer.concat(chunks));
  }
  if (files.get(MIMETYPE_ENTRY)?.toString('latin1') !== ASIC_MIMETYPE) throw new AsicFormatError(`mimetype is not ${ASIC_MIMETYPE}`);
  return files;
}

interface DocumentToRead {
  zip: yauzl.ZipFile;
  name: string;
  entry: yauzl.Entry;
  manifest: AsicManifest;
  limits: AsicReadLimits;
  extractTo: string | undefined;
}

async function readDocument({ zip, name, entry, manifest, limits, extractTo }: DocumentToRead): Promise<AsicDocumentResult> {
  const reference = manifest.references.find((r) => r.uri === name) ?? manifest.references.find((r) => safeDecode(r.uri) === name);
  const hash = createHash(reference?.digest ?? 'sha256');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  const sink = extractTo === undefined ? discard() : await openTarget(join(extractTo, name));
  await pipeline(await openEntry(zip, entry), counting(name, Math.min(entry.uncompressedSize, limits.maxEntryBytes)), hashing, sink);
  const digestMatches = reference !== undefined && hash.digest('base64') === reference.digestValue.replace(/\s/g, '');
  const result: AsicDocumentResult = { name, size, isListed: reference !== undefined, digestMatches };
  return reference?.mimetype === undefined ? result : { ...result, mimetype: reference.mimetype };
}

function referenceName(uri: string, names: Set<string>): string {
  return names.has(uri) ? uri : safeDecode(uri);
}

function safeDecode(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

function checkSignature(manifest: AsicManifest, manifestBytes: Buffer, metaInf: Map<string, Buffer>): Pick<AsicReadResult, 'signature' | 'signatureError'> {
  const signature = manifest.sigReference === undefined ? undefined : metaInf.get(manifest.sigReference);
  if (signature === undefined) return { signatureError: new SignatureInvalidError('the manifest names no signature file in the container') };
  try {
    const verified = verifyDetached(signature, manifestBytes);
    const result: AsicSignatureResult = { signer: certificateDetails(verified.signer), digest: verified.digest };
    return { signature: verified.signingTime === undefined ? result : { ...result, signingTime: verified.signingTime } };
  } catch (error) {
    if (error instanceof EfmError) return { signatureError: error };
    throw error;
  }
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) reject(new AsicFormatError('cannot read an entry', error));
      else resolve(stream);
    });
  });
}

/** Holds an entry to the size its header declared: a header that lies is a bomb, not a bigger file. */
function counting(name: string, maxBytes: number): Transform {
  let count = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      count += chunk.length;
      if (count > maxBytes) callback(new AsicSizeLimitError(name, `inflates past its declared or allowed size of ${maxBytes} bytes`));
      else callback(null, chunk);
    },
  });
}

function discard(): Writable {
  return new Writable({ write(_chunk, _encoding, callback) { callback(); } });
}

async function openTarget(path: string): Promise<Writable> {
  await mkdir(dirname(path), { recursive: true });
  // 'wx' never follows or overwrites what is there (a planted symlink, or a name that differs by case).
  return createWriteStream(path, { flags: 'wx', mode: 0o640 });
}

async function moveDocuments(from: string, to: string, names: string[]): Promise<void> {
  for (const name of names) {
    const target = join(to, name);
    if (await exists(target)) throw new CryptoError(`${target} already exists`, { code: 'EFM_ASIC_TARGET_EXISTS', kind: 'conflict' });
  }
  for (const name of names) {
    await mkdir(dirname(join(to, name)), { recursive: true });
    await rename(join(from, name), join(to, name));
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}
