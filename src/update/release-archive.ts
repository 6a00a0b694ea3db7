import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { PassThrough, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { ArchiveInvalidError, ManifestInvalidError } from './errors.js';
import { MANIFEST_ENTRY, MANIFEST_MAX_BYTES, parseReleaseManifest, type ReleaseManifest } from './release-manifest.js';

// A release archive is a zip of a built efm package with its files at the root of the zip:
//   package.json  dist/  config/  schemas/  node_modules/ (the production dependencies the bundle keeps
//   external, e.g. sqlite3's native binding; so an archive is built for one platform)
// Zip because the reference ships zips (jars), yauzl/yazl stream both ways, and an entry can be found and
// read on its own (the manifest, before anything is extracted). Archives are only opened after their
// signature verified; the checks here still refuse names that could escape the target and links.

/** File path inside the release (forward slashes) → SHA-256 hex of its content. */
export type FileDigests = Map<string, string>;

const MAX_ENTRIES = 200_000;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/** Zips a package folder, files only, in a stable order. */
export async function packRelease(o: { sourceDir: string; out: string }): Promise<void> {
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as unknown as PassThrough;
  const written = pipeline(output, createWriteStream(o.out));
  for (const file of await listFiles(o.sourceDir)) zip.addFile(join(o.sourceDir, file), file);
  zip.end();
  await written;
}

/** The archive's package.json, read without extracting anything. */
export async function readArchiveManifest(archive: string): Promise<ReleaseManifest> {
  let text: string | undefined;
  await eachEntry(archive, async (name, entry, open) => {
    if (name !== MANIFEST_ENTRY) return true;
    if (entry.uncompressedSize > MANIFEST_MAX_BYTES) throw new ManifestInvalidError(`the release's ${MANIFEST_ENTRY} is too large`);
    const chunks: Buffer[] = [];
    for await (const chunk of await open()) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
    return false;
  });
  if (text === undefined) throw new ManifestInvalidError(`the release has no ${MANIFEST_ENTRY} at its root`);
  return parseReleaseManifest(text);
}

/** Extracts every file below `dest` (which must not exist yet) and returns their digests. */
export async function extractArchive(archive: string, dest: string): Promise<FileDigests> {
  await mkdir(dest, { recursive: false });
  const digests: FileDigests = new Map();
  await eachEntry(archive, async (name, _entry, open) => {
    if (name.endsWith('/')) return true;
    const target = join(dest, ...name.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const hash = createHash('sha256');
    const tee = new Transform({ transform: (chunk: Buffer, _e, done) => { hash.update(chunk); done(null, chunk); } });
    await pipeline(await open(), tee, createWriteStream(target, { flags: 'wx', mode: 0o644 }));
    digests.set(name, hash.digest('hex'));
    return true;
  });
  return digests;
}

/** The digests of the archive's files, computed by inflating each entry without writing it. */
export async function digestArchive(archive: string): Promise<FileDigests> {
  const digests: FileDigests = new Map();
  await eachEntry(archive, async (name, _entry, open) => {
    if (name.endsWith('/')) return true;
    const hash = createHash('sha256');
    await pipeline(await open(), new Writable({ write: (chunk: Buffer, _e, done) => { hash.update(chunk); done(); } }));
    digests.set(name, hash.digest('hex'));
    return true;
  });
  return digests;
}

/** Every regular file below `dir`, as sorted forward-slash paths; a link or special file is refused. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(relative(dir, path).split(sep).join('/'));
      else throw new ArchiveInvalidError(`${relative(dir, path)} is neither a file nor a folder`);
    }
  };
  await walk(dir);
  return out.sort();
}

/** True when `path` is a folder that exists (and is not a link). */
export async function isFolder(path: string): Promise<boolean> {
  const stat = await lstat(path).catch(() => undefined);
  return stat?.isDirectory() ?? false;
}

type EntryVisitor = (name: string, entry: yauzl.Entry, open: () => Promise<Readable>) => Promise<boolean>;

/** Visits entries in order until the visitor returns false. yauzl checks names for `..` and absolute paths. */
async function eachEntry(archive: string, visit: EntryVisitor): Promise<void> {
  const zip = await openZip(archive);
  try {
    const seen = new Set<string>();
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) return;
      if (seen.size >= MAX_ENTRIES) throw new ArchiveInvalidError(`the archive has more than ${MAX_ENTRIES} entries`);
      checkEntry(entry, seen);
      if (!(await visit(entry.fileName, entry, () => openEntry(zip, entry)))) return;
    }
  } finally {
    zip.close();
  }
}

function checkEntry(entry: yauzl.Entry, seen: Set<string>): void {
  const name = entry.fileName;
  if (seen.has(name)) throw new ArchiveInvalidError(`the archive holds ${name} twice`);
  seen.add(name);
  const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (!name.endsWith('/') && mode !== 0 && mode !== S_IFREG) throw new ArchiveInvalidError(`${name} in the archive is not a regular file`);
  if (entry.isEncrypted()) throw new ArchiveInvalidError(`${name} in the archive is encrypted`);
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) => {
      if (error) reject(new ArchiveInvalidError(`${path} is not a readable zip archive`, error));
      else resolve(zip);
    });
  });
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => { cleanup(); resolve(entry); };
    const onEnd = () => { cleanup(); resolve(undefined); };
    const onError = (error: Error) => { cleanup(); reject(new ArchiveInvalidError(`the archive is malformed: ${error.message}`, error)); };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) reject(new ArchiveInvalidError(`cannot read ${entry.fileName} from the archive`, error));
      else resolve(stream);
    });
  });
}
