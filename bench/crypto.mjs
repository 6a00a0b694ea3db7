// Crypto figures for issue 3: CMS encryption throughput beside `openssl cms -encrypt` on the same
// 100 MB file (goal: ours/openssl ≥ 0.8), and the peak RSS of a 1 GB ASiC-E + CMS round trip (build,
// sign, encrypt, decrypt, read, verify; goal ≤ 150 MB), measured in a fresh child process.
// Usage: node bench/crypto.mjs [--size-mb 100] [--round-trip-mb 1024]
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const RUNS = 3;

const { values } = parseArgs({ options: { 'size-mb': { type: 'string' }, 'round-trip-mb': { type: 'string' }, child: { type: 'string' }, bundle: { type: 'string' } } });

async function bundleLibrary(dir) {
  const outfile = join(dir, 'crypto.mjs');
  await build({
    entryPoints: [join(ROOT, 'src/crypto/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

function generated(totalBytes) {
  const block = randomBytes(1024 * 1024);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= totalBytes) return this.push(null);
      const size = Math.min(64 * 1024, totalBytes - sent);
      const offset = sent % block.length;
      const chunk = Buffer.from(block.subarray(offset, offset + size));
      chunk.writeUInt32BE(sent >>> 0, 0);
      sent += size;
      this.push(chunk);
    },
  });
}

async function time(work) {
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

async function throughput(lib, dir, sizeMb) {
  const plain = join(dir, 'plain.bin');
  await pipeline(generated(sizeMb * 1024 * 1024), createWriteStream(plain));
  const { entry } = await lib.generateSelfSignedKeystore({ orgNumber: '910077473', password: 'bench' });
  const certFile = join(dir, 'cert.pem');
  writeFileSync(certFile, entry.certificate.toString());
  const encrypt = (highWaterMark) => pipeline(createReadStream(plain, { highWaterMark }), lib.createCmsEncryptStream({ recipient: entry.certificate }), createWriteStream(join(dir, 'ours.cms')));
  const ours = await time(() => encrypt(64 * 1024));
  const oursLargeReads = await time(() => encrypt(1024 * 1024));
  const openssl = await time(async () => {
    execFileSync('openssl', ['cms', '-encrypt', '-binary', '-stream', '-outform', 'DER', '-aes-256-cbc', '-recip', certFile, '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha256', '-in', plain, '-out', join(dir, 'openssl.cms')]);
  });
  const mbps = (ms) => (sizeMb / (ms / 1000)).toFixed(0);
  console.log(`CMS encrypt, ${sizeMb} MB, RSA-OAEP + AES-256-CBC, best of ${RUNS}:`);
  console.log(`  efm, 64 KiB reads  ${ours.toFixed(0)} ms  (${mbps(ours)} MB/s)`);
  console.log(`  efm, 1 MiB reads   ${oursLargeReads.toFixed(0)} ms  (${mbps(oursLargeReads)} MB/s)`);
  console.log(`  openssl            ${openssl.toFixed(0)} ms  (${mbps(openssl)} MB/s, incl. process start)`);
  console.log(`  ratio efm/openssl throughput: ${(openssl / ours).toFixed(2)} with 64 KiB reads, ${(openssl / oursLargeReads).toFixed(2)} with 1 MiB reads (goal >= 0.8)`);
}

async function roundTripChild(bundle, dir, sizeMb) {
  const lib = await import(bundle);
  const sender = (await lib.generateSelfSignedKeystore({ orgNumber: '910077473', password: 'bench' })).entry;
  const receiver = (await lib.generateSelfSignedKeystore({ orgNumber: '910075918', password: 'bench' })).entry;
  const cms = join(dir, 'rt.cms');
  const asic = join(dir, 'rt.asice');
  const start = performance.now();
  const documents = [{ name: 'big.bin', mimetype: 'application/octet-stream', content: () => generated(sizeMb * 1024 * 1024) }];
  await pipeline(lib.createAsicStream({ documents, signer: sender }), lib.createCmsEncryptStream({ recipient: receiver.certificate }), createWriteStream(cms));
  await pipeline(createReadStream(cms), lib.createCmsDecryptStream(receiver), createWriteStream(asic));
  const result = await lib.verifyAsic(asic);
  if (result.documents[0]?.digestMatches !== true) throw new Error('round trip did not verify');
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(`ASiC-E + CMS round trip, ${sizeMb} MB: ${((performance.now() - start) / 1000).toFixed(1)} s, peak RSS ${peakMb.toFixed(0)} MB (goal <= 150 MB)`);
}

if (values.child === 'round-trip') {
  await roundTripChild(values.bundle, tmpdir(), Number(values['round-trip-mb'] ?? 1024));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'efm-bench-crypto-'));
  try {
    const bundle = await bundleLibrary(dir);
    await throughput(await import(bundle), dir, Number(values['size-mb'] ?? 100));
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', 'round-trip', '--bundle', bundle, '--round-trip-mb', values['round-trip-mb'] ?? '1024'], {
      stdio: 'inherit',
      env: { ...process.env, TMPDIR: dir },
    });
    if (child.status !== 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
