import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { runCryptoCommand, type KeystoreEntry } from '../../src/crypto/index.js';
import { CUCUMBER_PASSWORD, cucumberEntry, cucumberPath, JKS_PATH, OWN_ORG, openssl, tempDir, TEST_CLOCK } from './fixtures.js';
import { harnessStyleAsic } from './harness-asic.js';
import { buildZip } from './zip-builder.js';

// The operator commands, run in-process with file and pipe I/O (the spawned `node dist/main.js` form
// belongs to the main CLI's tests).

let dir: Awaited<ReturnType<typeof tempDir>>;
let own: KeystoreEntry;
let keyFile: string;
let certFile: string;
let count = 0;
const fresh = (name: string): string => join(dir.path, `${++count}-${name}`);

beforeAll(async () => {
  dir = await tempDir();
  own = await cucumberEntry(OWN_ORG);
  keyFile = join(dir.path, 'key.pem');
  certFile = join(dir.path, 'cert.pem');
  await writeFile(keyFile, own.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(certFile, own.certificate.toString());
});
afterAll(async () => { await dir.remove(); });

interface Run { code: number; stdout: Buffer; stderr: string }

async function efm(argv: string[], options: { stdin?: Buffer; env?: Record<string, string> } = {}): Promise<Run> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]): Writable => new Writable({ write(chunk: Buffer, _e, callback) { into.push(chunk); callback(); } });
  const code = await runCryptoCommand(argv, {
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    stdout: sink(out),
    stderr: sink(err),
    env: { PW: CUCUMBER_PASSWORD, ...options.env },
    clock: TEST_CLOCK,
  });
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') };
}

const keystoreArgs = (): string[] => ['--keystore', cucumberPath(), '--alias', OWN_ORG, '--password-env', 'PW'];

async function opensslDecrypt(cms: Buffer): Promise<Buffer> {
  const file = fresh('cms.der');
  await writeFile(file, cms);
  return openssl(['cms', '-decrypt', '-inform', 'DER', '-in', file, '-inkey', keyFile, '-recip', certFile, '-binary']);
}

async function opensslEncrypt(data: Buffer, args: string[]): Promise<Buffer> {
  const file = fresh('plain.bin');
  await writeFile(file, data);
  return openssl(['cms', '-encrypt', '-binary', '-outform', 'DER', '-in', file, '-recip', certFile, ...args]);
}

function expectOneLineError(run: Run, code: number, text: RegExp): void {
  expect(run.code).toBe(code);
  expect(run.stderr.split('\n')[0]).toMatch(text);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('efm cms', () => {
  const data = randomBytes(50_000);

  for (const [flags, what] of [[[], 'RSA-OAEP, AES-256-CBC'], [['--pkcs1'], 'PKCS#1 v1.5'], [['--gcm'], 'AES-256-GCM AuthEnvelopedData']] as const) {
    it(`encrypt (${what}) writes CMS that openssl cms -decrypt opens`, async () => {
      const run = await efm(['cms', 'encrypt', '--cert', certFile, ...flags], { stdin: data });
      expect(run.code).toBe(0);
      expect(await opensslDecrypt(run.stdout)).toEqual(data);
    });
  }

  const fromOpenssl: [string, string[]][] = [
    ['RSA-OAEP SHA-256, AES-256-CBC', ['-aes-256-cbc', '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha256']],
    ['PKCS#1 v1.5, AES-256-CBC', ['-aes-256-cbc']],
    ['AES-256-GCM', ['-aes-256-gcm']],
  ];
  for (const [what, args] of fromOpenssl) {
    it(`decrypt opens what openssl cms -encrypt made (${what})`, async () => {
      const run = await efm(['cms', 'decrypt', ...keystoreArgs()], { stdin: await opensslEncrypt(data, args) });
      expect(run.code).toBe(0);
      expect(run.stdout).toEqual(data);
    });
  }

  it('round-trips the DPH form through --in and --out files', async () => {
    const plain = fresh('plain.bin');
    const cms = fresh('dph.cms');
    const back = fresh('back.bin');
    await writeFile(plain, data);
    expect((await efm(['cms', 'encrypt', '--cert', certFile, '--dph-gcm', '--in', plain, '--out', cms])).code).toBe(0);
    expect((await efm(['cms', 'decrypt', ...keystoreArgs(), '--in', cms, '--out', back])).code).toBe(0);
    expect(await readFile(back)).toEqual(data);
  });

  it('fails with one line and no output file when the content does not decrypt', async () => {
    const cms = (await efm(['cms', 'encrypt', '--cert', certFile, '--gcm'], { stdin: data })).stdout;
    cms[cms.length - 100] = (cms[cms.length - 100] ?? 0) ^ 0x01;
    const out = fresh('never.bin');
    const run = await efm(['cms', 'decrypt', ...keystoreArgs(), '--out', out], { stdin: cms });
    expectOneLineError(run, 1, /^efm: CMS decryption failed/);
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says "wrong password" in one line for a wrong keystore password', async () => {
    const run = await efm(['cms', 'decrypt', ...keystoreArgs()], { stdin: Buffer.alloc(0), env: { PW: 'nope' } });
    expectOneLineError(run, 1, /wrong password/);
  });

  it('treats a missing option, an unknown option and an unset password variable as usage errors (exit 2)', async () => {
    expectOneLineError(await efm(['cms', 'decrypt', '--alias', OWN_ORG]), 2, /--keystore is required/);
    expectOneLineError(await efm(['cms', 'encrypt', '--cert', certFile, '--rot13']), 2, /--rot13/);
    expectOneLineError(await efm(['cms', 'decrypt', '--keystore', cucumberPath(), '--alias', OWN_ORG, '--password-env', 'UNSET_VAR']), 2, /UNSET_VAR/);
    expectOneLineError(await efm(['cms', 'encrypt', '--cert', join(dir.path, 'missing.pem')]), 1, /missing\.pem: no such file/);
  });

  it('does not overwrite an existing --out file', async () => {
    const out = fresh('exists.bin');
    await writeFile(out, 'keep');
    const run = await efm(['cms', 'encrypt', '--cert', certFile, '--out', out], { stdin: data });
    expectOneLineError(run, 1, /already exists/);
    expect((await readFile(out)).toString()).toBe('keep');
  });
});

describe('efm asic', () => {
  async function packed(extra: string[] = []): Promise<string> {
    const letter = fresh('brev.pdf');
    const xml = fresh('data.xml');
    await writeFile(letter, randomBytes(20_000));
    await writeFile(xml, '<data/>');
    const out = fresh('packed.asice');
    const run = await efm(['asic', 'pack', ...keystoreArgs(), ...extra, '--out', out, letter, xml]);
    expect(run.code).toBe(0);
    return out;
  }

  it('pack signs a manifest that openssl cms -verify accepts (SHA1withRSA with --sha1)', async () => {
    const path = await packed(['--sha1']);
    const zip = await yauzl.openPromise(path, { lazyEntries: false });
    const files = new Map<string, Buffer>();
    for await (const entry of zip.eachEntry()) {
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      files.set(entry.fileName, Buffer.concat(chunks));
    }
    zip.close();
    const signatureName = [...files.keys()].find((n) => n.endsWith('.p7s')) ?? '';
    const manifestFile = fresh('m.xml');
    const signatureFile = fresh('s.p7s');
    await writeFile(manifestFile, files.get('META-INF/ASiCManifest.xml') ?? Buffer.alloc(0));
    await writeFile(signatureFile, files.get(signatureName) ?? Buffer.alloc(0));
    openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', signatureFile, '-content', manifestFile, '-CAfile', certFile, '-purpose', 'any', '-out', '/dev/null']);
    expect(openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', signatureFile]).toString()).toContain('sha1');
    expect([...files.keys()].filter((n) => !n.startsWith('META-INF/'))).toEqual(['mimetype', expect.stringMatching(/brev\.pdf$/), expect.stringMatching(/data\.xml$/)]);
  });

  it('verify prints the signer and one OK line per document', async () => {
    const run = await efm(['asic', 'verify', await packed()]);
    expect(run.code).toBe(0);
    const text = run.stdout.toString();
    expect(text).toContain(`signer: CN=DIFI test ${OWN_ORG}`);
    expect(text).toMatch(/^OK\s+\S*brev\.pdf \(application\/pdf, 20000 bytes\)$/m);
    expect(text).toMatch(/^OK\s+\S*data\.xml \(application\/xml, 7 bytes\)$/m);
    expect(text).toContain('result: valid');
  });

  it('verify exits 1 and marks the file whose digest does not match', async () => {
    const path = fresh('tampered.asice');
    const signer = { certFile, keyFile, workFile: fresh('w.xml') };
    await writeFile(path, harnessStyleAsic(signer, [{ name: 'a.txt', mimetype: 'text/plain', data: Buffer.from('a') }, { name: 'b.txt', mimetype: 'text/plain', data: Buffer.from('b') }], { replace: { 'b.txt': Buffer.from('B') } }));
    const run = await efm(['asic', 'verify', path]);
    expect(run.code).toBe(1);
    expect(run.stdout.toString()).toMatch(/^OK\s+a\.txt/m);
    expect(run.stdout.toString()).toMatch(/^MISMATCH\s+b\.txt/m);
    expect(run.stdout.toString()).toContain('result: INVALID');
  });

  it('open extracts the documents into --to', async () => {
    const path = await packed();
    const to = fresh('opened');
    const run = await efm(['asic', 'open', path, '--to', to]);
    expect(run.code).toBe(0);
    const names = await readdir(to);
    expect(names).toHaveLength(2);
    const xml = names.find((n) => n.endsWith('data.xml')) ?? '';
    expect((await readFile(join(to, xml))).toString()).toBe('<data/>');
  });

  it('open refuses a container with path traversal in one line', async () => {
    const path = fresh('evil.asice');
    await writeFile(path, buildZip([{ name: 'mimetype', data: Buffer.from('application/vnd.etsi.asic-e+zip'), store: true }, { name: '../../evil.sh', data: Buffer.from('x') }]));
    expectOneLineError(await efm(['asic', 'open', path, '--to', fresh('never')]), 1, /leaves the container folder/);
  });
});

describe('efm keys', () => {
  it('generate writes a keystore that show describes', async () => {
    const out = fresh('new.p12');
    const made = await efm(['keys', 'generate', '--org', '910075918', '--out', out, '--password-env', 'PW', '--days', '90']);
    expect(made.code).toBe(0);
    expect(made.stdout.toString()).toContain('alias 910075918');
    const shown = await efm(['keys', 'show', out, '--password-env', 'PW']);
    expect(shown.code).toBe(0);
    expect(shown.stdout.toString()).toContain('key entry 910075918');
    expect(shown.stdout.toString()).toMatch(/serialNumber=910075918/);
    expect(shown.stdout.toString()).toContain('valid, 90 days left');
  });

  it('show lists the entries of the JKS fixture and cucumber.p12', async () => {
    const shown = await efm(['keys', 'show', cucumberPath(), '--password-env', 'PW']);
    expect(shown.stdout.toString()).toContain(`key entry ${OWN_ORG}`);
    expect(shown.stdout.toString()).toContain('PKCS12, 8 key entries');
    const jks = await efm(['keys', 'show', JKS_PATH, '--password-env', 'PW'], { env: { PW: 'changeit' } });
    expect(jks.stdout.toString()).toContain('JKS, 1 key entries, 1 trusted certificates');
    expect(jks.stdout.toString()).toContain('trusted certificate peer');
  });

  it('refuses a malformed organisation number and a missing password variable (exit 2)', async () => {
    expectOneLineError(await efm(['keys', 'generate', '--org', '12345', '--out', fresh('x.p12'), '--password-env', 'PW']), 2, /9-digit/);
    expectOneLineError(await efm(['keys', 'generate', '--org', OWN_ORG, '--out', fresh('x.p12')]), 2, /EFM_KEYSTORE_PASSWORD/);
  });

  it('answers an unknown group or command with a usage error', async () => {
    expectOneLineError(await efm(['crypt']), 2, /unknown command "crypt"/);
    expectOneLineError(await efm(['keys', 'rotate']), 2, /unknown keys command/);
  });
});
