import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import {
  AsicAbsolutePathError,
  AsicDigestMismatchError,
  AsicDuplicateEntryError,
  AsicFormatError,
  AsicPathTraversalError,
  AsicSizeLimitError,
  createAsicStream,
  extractAsic,
  readAsic,
  SignatureInvalidError,
  verifyAsic,
  type AsicDocument,
  type KeystoreEntry,
} from '../../src/crypto/index.js';
import { cucumberEntry, OWN_ORG, openssl, tempDir, TEST_CLOCK } from './fixtures.js';
import { harnessStyleAsic, type HarnessSigner } from './harness-asic.js';
import { buildZip, type RawEntry } from './zip-builder.js';

const MIME = 'application/vnd.etsi.asic-e+zip';

let dir: Awaited<ReturnType<typeof tempDir>>;
let own: KeystoreEntry;
let keyFile: string;
let certFile: string;

beforeAll(async () => {
  dir = await tempDir();
  own = await cucumberEntry(OWN_ORG);
  keyFile = join(dir.path, 'key.pem');
  certFile = join(dir.path, 'cert.pem');
  await writeFile(keyFile, own.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(certFile, own.certificate.toString());
});
afterAll(async () => { await dir.remove(); });

const signing = (): HarnessSigner => ({ certFile, keyFile, workFile: fresh('h-manifest.xml') });

let fileCount = 0;
const fresh = (name: string): string => join(dir.path, `${++fileCount}-${name}`);

async function writeAsic(documents: AsicDocument[], digest: 'sha1' | 'sha256' = 'sha256'): Promise<string> {
  const path = fresh('out.asice');
  await pipeline(createAsicStream({ documents, signer: own, signatureDigest: digest, clock: TEST_CLOCK }), createWriteStream(path));
  return path;
}

const businessManifest = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<manifest><hoveddokument href="brev.pdf" mime="application/pdf"/></manifest>\n');
const pdf = randomBytes(30_000);
const documents = (): AsicDocument[] => [
  { name: 'manifest.xml', mimetype: 'application/xml', content: businessManifest },
  { name: 'brev.pdf', mimetype: 'application/pdf', content: pdf },
  { name: 'vedlegg/tabell.csv', mimetype: 'text/csv', content: () => Readable.from([Buffer.from('a;b\n'), Buffer.from('1;2\n')]) },
];

/** Entries in container order, read with an independent minimal parser of the central directory. */
function entryNames(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  const names: string[] = [];
  for (let p = zip.readUInt32LE(end + 16), n = 0; n < count; n++) {
    const nameLength = zip.readUInt16LE(p + 28);
    names.push(zip.subarray(p + 46, p + 46 + nameLength).toString('utf8'));
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return names;
}

/** One entry's bytes, read with yauzl directly (not through the reader under test). */
async function unzipEntry(zipPath: string, name: string): Promise<Buffer> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: false });
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName !== name) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    throw new Error(`${name} is not in ${zipPath}`);
  } finally {
    zip.close();
  }
}

describe(createAsicStream.name, () => {
  it('writes mimetype first, stored, without an extra field, and the entries in the reference order', async () => {
    const zip = await readFile(await writeAsic(documents()));
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.readUInt16LE(8)).toBe(0);
    expect(zip.subarray(30, 38).toString()).toBe('mimetype');
    expect(zip.readUInt16LE(28)).toBe(0);
    expect(zip.subarray(38, 38 + MIME.length).toString()).toBe(MIME);
    const names = entryNames(zip);
    expect(names.slice(0, 4)).toEqual(['mimetype', 'manifest.xml', 'brev.pdf', 'vedlegg/tabell.csv']);
    expect(names[4]).toBe('META-INF/ASiCManifest.xml');
    expect(names[5]).toMatch(/^META-INF\/signature-[0-9a-f-]{36}\.p7s$/);
    expect(names[6]).toBe('META-INF/manifest.xml');
    expect(zip.subarray(zip.length - MIME.length - 9).toString()).toBe(`mimetype=${MIME}`);
  });

  it('lists each document with its SHA-256 in ASiCManifest.xml and in the OASIS manifest', async () => {
    const path = await writeAsic(documents());
    const manifest = (await unzipEntry(path, 'META-INF/ASiCManifest.xml')).toString('utf8');
    expect(manifest).toContain(`<DataObjectReference URI="brev.pdf" MimeType="application/pdf">`);
    expect(manifest).toContain(`<ns2:DigestValue>${createHash('sha256').update(pdf).digest('base64')}</ns2:DigestValue>`);
    expect(manifest).toContain('Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"');
    const oasis = (await unzipEntry(path, 'META-INF/manifest.xml')).toString('utf8');
    expect(oasis).toContain(`manifest:full-path="/" manifest:media-type="${MIME}"`);
    expect(oasis).toContain('manifest:full-path="vedlegg/tabell.csv" manifest:media-type="text/csv"');
  });

  for (const digest of ['sha1', 'sha256'] as const) {
    it(`signs the manifest so that openssl cms -verify accepts it (${digest})`, async () => {
      const path = await writeAsic(documents(), digest);
      const names = entryNames(await readFile(path));
      const signatureName = names.find((n) => n.endsWith('.p7s')) ?? '';
      const manifestFile = fresh('ASiCManifest.xml');
      const signatureFile = fresh('signature.p7s');
      await writeFile(manifestFile, await unzipEntry(path, 'META-INF/ASiCManifest.xml'));
      await writeFile(signatureFile, await unzipEntry(path, signatureName));
      const out = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', signatureFile, '-content', manifestFile, '-CAfile', certFile, '-purpose', 'any']);
      expect(out.toString('utf8')).toContain('SigReference');
    });
  }

  it('refuses document names that could escape or shadow the container layout', () => {
    expect(() => createAsicStream({ documents: [{ name: '../x', mimetype: 'text/plain', content: Buffer.from('') }], signer: own })).toThrow(AsicPathTraversalError);
    expect(() => createAsicStream({ documents: [{ name: 'META-INF/x.xml', mimetype: 'text/plain', content: Buffer.from('') }], signer: own })).toThrow(AsicFormatError);
    const twice = { name: 'a.txt', mimetype: 'text/plain', content: Buffer.from('') };
    expect(() => createAsicStream({ documents: [twice, twice], signer: own })).toThrow(AsicDuplicateEntryError);
  });
});

describe(verifyAsic.name, () => {
  it('reads our container back: documents in order, MIME types, digests and the signer', async () => {
    const result = await verifyAsic(await writeAsic(documents()));
    expect(result.documents.map((d) => [d.name, d.mimetype, d.digestMatches])).toEqual([
      ['manifest.xml', 'application/xml', true],
      ['brev.pdf', 'application/pdf', true],
      ['vedlegg/tabell.csv', 'text/csv', true],
    ]);
    expect(result.signature?.signer.subject).toBe(`CN=DIFI test ${OWN_ORG}`);
    expect(result.signature?.signingTime?.toISOString()).toBe(TEST_CLOCK.now().toISOString());
  });

  it('verifies a container built like the conformance harness builds one (SHA-1 signature by openssl)', async () => {
    const path = fresh('harness.asice');
    await writeFile(path, harnessStyleAsic(signing(), [{ name: 'manifest.xml', mimetype: 'application/xml', data: businessManifest }, { name: 'arkivmelding.xml', mimetype: 'application/xml', data: Buffer.from('<a/>') }]));
    const result = await verifyAsic(path);
    expect(result.signature?.digest).toBe('sha1');
    expect(result.documents.map((d) => d.name)).toEqual(['manifest.xml', 'arkivmelding.xml']);
  });

  it('refuses a document whose bytes differ from the manifest digest', async () => {
    const path = fresh('bad-digest.asice');
    await writeFile(path, harnessStyleAsic(signing(), [{ name: 'a.txt', mimetype: 'text/plain', data: Buffer.from('signed') }], { replace: { 'a.txt': Buffer.from('swapped') } }));
    const error = await verifyAsic(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AsicDigestMismatchError);
    expect((error as AsicDigestMismatchError).entryNames).toEqual(['a.txt']);
  });

  it('refuses a document the manifest does not list', async () => {
    const path = fresh('unlisted.asice');
    await writeFile(path, harnessStyleAsic(signing(), [{ name: 'a.txt', mimetype: 'text/plain', data: Buffer.from('a') }], { extra: [{ name: 'smuggled.exe', data: Buffer.from('MZ') }] }));
    await expect(verifyAsic(path)).rejects.toBeInstanceOf(AsicDigestMismatchError);
  });

  it('refuses a manifest that was changed after signing', async () => {
    const path = fresh('resigned.asice');
    await writeFile(path, harnessStyleAsic(signing(), [{ name: 'a.txt', mimetype: 'text/plain', data: Buffer.from('a') }], { alterManifestAfterSigning: true }));
    await expect(verifyAsic(path)).rejects.toBeInstanceOf(SignatureInvalidError);
  });
});

describe('malicious containers', () => {
  const base = (): RawEntry[] => [{ name: 'mimetype', data: Buffer.from(MIME), store: true }];
  async function read(entries: RawEntry[]): Promise<unknown> {
    const path = fresh('evil.zip');
    await writeFile(path, buildZip(entries));
    return readAsic(path).catch((e: unknown) => e);
  }

  it('refuses path traversal', async () => {
    expect(await read([...base(), { name: '../../etc/cron.d/evil', data: Buffer.from('x') }])).toBeInstanceOf(AsicPathTraversalError);
    expect(await read([...base(), { name: 'docs\\..\\..\\evil', data: Buffer.from('x') }])).toBeInstanceOf(AsicPathTraversalError);
  });

  it('refuses absolute names', async () => {
    expect(await read([...base(), { name: '/etc/passwd', data: Buffer.from('x') }])).toBeInstanceOf(AsicAbsolutePathError);
    expect(await read([...base(), { name: 'C:/Windows/evil.dll', data: Buffer.from('x') }])).toBeInstanceOf(AsicAbsolutePathError);
  });

  it('refuses duplicate entries', async () => {
    const error = await read([...base(), { name: 'a.txt', data: Buffer.from('1') }, { name: 'a.txt', data: Buffer.from('2') }]);
    expect(error).toBeInstanceOf(AsicDuplicateEntryError);
  });

  it('refuses a compression bomb before inflating it', async () => {
    const error = await read([...base(), { name: 'zeros.bin', data: Buffer.alloc(64 * 1024 * 1024) }]);
    expect(error).toBeInstanceOf(AsicSizeLimitError);
    expect((error as Error).message).toMatch(/compresses \d+:1/);
  });

  it('refuses an entry that inflates past the size its header declares', async () => {
    const error = await read([...base(), { name: 'liar.bin', data: randomBytes(200_000), declaredSize: 100 }]);
    expect(error).toBeInstanceOf(AsicSizeLimitError);
  });

  it('refuses entries over the configured size and count limits', async () => {
    const path = fresh('big.zip');
    await writeFile(path, buildZip([...base(), { name: 'a.bin', data: randomBytes(5000) }, { name: 'b.bin', data: randomBytes(10) }]));
    await expect(readAsic(path, { limits: { maxEntryBytes: 4000 } })).rejects.toBeInstanceOf(AsicSizeLimitError);
    await expect(readAsic(path, { limits: { maxEntries: 2 } })).rejects.toBeInstanceOf(AsicSizeLimitError);
  });

  it('refuses a wrong mimetype, a missing one and unknown META-INF files', async () => {
    expect(await read([{ name: 'mimetype', data: Buffer.from('application/zip'), store: true }])).toBeInstanceOf(AsicFormatError);
    expect(await read([{ name: 'a.txt', data: Buffer.from('a') }])).toBeInstanceOf(AsicFormatError);
    expect(await read([...base(), { name: 'META-INF/evil.sh', data: Buffer.from('rm') }])).toBeInstanceOf(AsicFormatError);
  });

  it('refuses a file that is not a zip', async () => {
    const path = fresh('not.zip');
    await writeFile(path, 'hello');
    await expect(readAsic(path)).rejects.toBeInstanceOf(AsicFormatError);
  });
});

describe(extractAsic.name, () => {
  it('writes the documents into the folder', async () => {
    const target = fresh('open');
    await extractAsic(await writeAsic(documents()), target);
    expect(await readFile(join(target, 'brev.pdf'))).toEqual(pdf);
    expect((await readFile(join(target, 'vedlegg/tabell.csv'))).toString()).toBe('a;b\n1;2\n');
    expect((await readdir(target)).sort()).toEqual(['brev.pdf', 'manifest.xml', 'vedlegg']);
  });

  it('leaves nothing behind when a digest does not match', async () => {
    const path = fresh('bad.asice');
    await writeFile(path, harnessStyleAsic(signing(), [{ name: 'a.txt', mimetype: 'text/plain', data: Buffer.from('a') }], { replace: { 'a.txt': Buffer.from('b') } }));
    const target = fresh('open-bad');
    await expect(extractAsic(path, target)).rejects.toBeInstanceOf(AsicDigestMismatchError);
    expect(await readdir(target)).toEqual([]);
  });

  it('does not overwrite a file that is already there', async () => {
    const target = fresh('open-twice');
    const path = await writeAsic(documents());
    await extractAsic(path, target);
    await expect(extractAsic(path, target)).rejects.toMatchObject({ code: 'EFM_ASIC_TARGET_EXISTS' });
  });
});
