import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The operator commands as an operator runs them: the built `efm` binary, files and pipes, openssl on the
// other side.
const MAIN = resolve(import.meta.dirname, '../../dist/main.js');

describe('efm keys / cms from the command line', () => {
  let dir: string;
  const env = { ...process.env, KS_PASSWORD: 'operator-secret' };
  const efm = (args: string[], input?: Buffer) => spawnSync(process.execPath, [MAIN, ...args], { env, input });

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does)`);
    dir = await mkdtemp(join(tmpdir(), 'efm-cli-'));
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('generates a keystore, encrypts to its certificate, and openssl and efm both decrypt it', async () => {
    const p12 = join(dir, 'org.p12');
    const gen = efm(['keys', 'generate', '--org', '910077473', '--out', p12, '--password-env', 'KS_PASSWORD']);
    expect(gen.status, gen.stderr.toString()).toBe(0);
    const certPem = join(dir, 'cert.pem');
    const keyPem = join(dir, 'key.pem');
    execFileSync('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:operator-secret', '-nokeys', '-out', certPem]);
    execFileSync('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:operator-secret', '-nocerts', '-nodes', '-out', keyPem]);
    const plain = Buffer.from('Vedtak: innvilget.\n'.repeat(1000));
    const enc = efm(['cms', 'encrypt', '--cert', certPem], plain);
    expect(enc.status, enc.stderr.toString()).toBe(0);
    const cmsFile = join(dir, 'msg.cms');
    await writeFile(cmsFile, enc.stdout);
    const viaOpenssl = execFileSync('openssl', ['cms', '-decrypt', '-inform', 'DER', '-in', cmsFile, '-inkey', keyPem, '-recip', certPem]);
    expect(viaOpenssl.equals(plain)).toBe(true);
    const outFile = join(dir, 'msg.out');
    const dec = efm(['cms', 'decrypt', '--keystore', p12, '--alias', '910077473', '--password-env', 'KS_PASSWORD', '--in', cmsFile, '--out', outFile]);
    expect(dec.status, dec.stderr.toString()).toBe(0);
    expect((await readFile(outFile)).equals(plain)).toBe(true);
  });

  it('fails with one clear line and a non-zero exit on a user mistake', () => {
    const r = efm(['cms', 'decrypt', '--keystore', join(dir, 'missing.p12'), '--alias', 'x', '--password-env', 'KS_PASSWORD']);
    expect(r.status).not.toBe(0);
    const err = r.stderr.toString();
    expect(err).toMatch(/^efm: /);
    expect(err).not.toContain('    at ');
  });
});
