import { execFileSync } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { AsicDigestMismatchError, createAsicStream, readAsic, verifyAsic, type KeystoreEntry } from '../../src/crypto/index.js';
import { formEncode } from '../../src/crypto/xades.js';
import { cucumberEntry, OWN_ORG, tempDir, TEST_CLOCK } from './fixtures.js';
import { buildZip } from './zip-builder.js';

// The DPI form of ASiC-E: META-INF/signatures.xml, checked by the JDK's XML Signature implementation
// (test/crypto/fixtures/VerifyXades.java), which canonicalises on its own.

const VERIFIER = join(import.meta.dirname, 'fixtures', 'VerifyXades.java');

let dir: Awaited<ReturnType<typeof tempDir>>;
let own: KeystoreEntry;
beforeAll(async () => {
  dir = await tempDir();
  own = await cucumberEntry(OWN_ORG);
});
afterAll(async () => { await dir.remove(); });

async function xadesAsic(name: string, documents: { name: string; mimetype: string; content: Buffer }[]): Promise<string> {
  const path = join(dir.path, name);
  await pipeline(createAsicStream({ documents, signer: own, signatureForm: 'xades', clock: TEST_CLOCK }), createWriteStream(path));
  return path;
}

async function entry(path: string, name: string): Promise<string> {
  const zip = await yauzl.openPromise(path, { lazyEntries: false });
  try {
    for await (const e of zip.eachEntry()) {
      if (e.fileName !== name) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(e)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    throw new Error(`no ${name}`);
  } finally {
    zip.close();
  }
}

function javaVerify(path: string): string {
  try {
    return execFileSync('java', [VERIFIER, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const out = error instanceof Error && 'stdout' in error ? String(error.stdout) : '';
    return `FAILED ${out}`;
  }
}

describe('XAdES ASiC-E (DPI)', () => {
  it('writes signatures.xml that the JDK XML Signature validator accepts', async () => {
    const path = await xadesAsic('dpi.asice', [
      { name: 'manifest.xml', mimetype: 'application/xml', content: Buffer.from('<manifest xmlns="http://begrep.difi.no/sdp/schema_v10"/>') },
      { name: 'Vedtak om støtte & tilskudd.pdf', mimetype: 'application/pdf', content: Buffer.from('%PDF-1.7 test') },
    ]);
    expect(javaVerify(path)).toMatch(/^VALID 3 references/);
  }, 60_000);

  it('carries the reference layout: form-encoded URIs, SHA-1 CertDigest, a DataObjectFormat per file', async () => {
    const path = await xadesAsic('layout.asice', [{ name: 'a b.pdf', mimetype: 'application/pdf', content: Buffer.from('x') }]);
    const xml = await entry(path, 'META-INF/signatures.xml');
    expect(xml).toContain('<ds:Reference Id="ID_0" URI="a+b.pdf">');
    expect(xml).toContain('Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"');
    expect(xml).toContain('<ds:Reference Type="http://uri.etsi.org/01903#SignedProperties" URI="#SignedProperties">');
    expect(xml).toContain('<xades:CertDigest><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1">');
    expect(xml).toContain('<xades:DataObjectFormat ObjectReference="#ID_0"><xades:MimeType>application/pdf</xades:MimeType>');
    expect(xml).toContain('<xades:SigningTime>2030-01-15T12:00:00Z</xades:SigningTime>');
    expect(xml).toContain(`<ds:X509IssuerName>CN=DIFI test ${OWN_ORG}</ds:X509IssuerName>`);
  });

  it('is refused by the JDK validator once a document changes', async () => {
    const path = await xadesAsic('tampered.asice', [{ name: 'a.txt', mimetype: 'text/plain', content: Buffer.from('original') }]);
    // Same signature, other content under the signed name.
    const signatures = await entry(path, 'META-INF/signatures.xml');
    const forged = join(dir.path, 'forged.asice');
    writeFileSync(forged, buildZip([
      { name: 'mimetype', data: Buffer.from('application/vnd.etsi.asic-e+zip'), store: true },
      { name: 'a.txt', data: Buffer.from('changed!') },
      { name: 'META-INF/signatures.xml', data: Buffer.from(signatures) },
    ]));
    expect(javaVerify(forged)).toMatch(/^FAILED INVALID/);
  }, 60_000);
});

describe('reading a XAdES ASiC-E', () => {
  it('checks the digests of the files its References name, but does not claim the signature is verified', async () => {
    const path = await xadesAsic('read.asice', [
      { name: 'brev om vedtak.pdf', mimetype: 'application/pdf', content: Buffer.from('%PDF') },
      { name: 'manifest.xml', mimetype: 'application/xml', content: Buffer.from('<m/>') },
    ]);
    const result = await readAsic(path);
    expect(result.signatureForm).toBe('xades');
    expect(result.documents.map((d) => [d.name, d.mimetype, d.digestMatches])).toEqual([
      ['brev om vedtak.pdf', 'application/pdf', true],
      ['manifest.xml', 'application/xml', true],
    ]);
    await expect(verifyAsic(path)).rejects.toMatchObject({ code: 'EFM_XADES_NOT_VERIFIED' });
  });

  it('marks a file whose bytes changed', async () => {
    const path = await xadesAsic('read-tampered.asice', [{ name: 'a.txt', mimetype: 'text/plain', content: Buffer.from('original') }]);
    const forged = join(dir.path, 'read-forged.asice');
    writeFileSync(forged, buildZip([
      { name: 'mimetype', data: Buffer.from('application/vnd.etsi.asic-e+zip'), store: true },
      { name: 'a.txt', data: Buffer.from('changed!') },
      { name: 'META-INF/signatures.xml', data: Buffer.from(await entry(path, 'META-INF/signatures.xml')) },
    ]));
    expect((await readAsic(forged)).documents[0]?.digestMatches).toBe(false);
    await expect(verifyAsic(forged)).rejects.toBeInstanceOf(AsicDigestMismatchError);
  });
});

describe(formEncode.name, () => {
  it('encodes like java.net.URLEncoder', () => {
    expect(formEncode('Vedtak om støtte & tilskudd.pdf')).toBe('Vedtak+om+st%C3%B8tte+%26+tilskudd.pdf');
    expect(formEncode("a-b_c.d*e~f(g)!'")).toBe('a-b_c.d*e%7Ef%28g%29%21%27');
  });
});
