import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';

// Test releases: a signing key pair made with openpgp, and the package of a tiny fake daemon that serves
// /manage/health on FAKE_PORT, logs each start to started.log in its working directory and stops on SIGTERM.

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

export async function generateKeyPair(name = 'efm test releases', options: { date?: Date; keyExpirationTime?: number } = {}): Promise<KeyPair> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name, email: 'releases@example.test' }], format: 'armored', ...options,
  });
  return { privateKey, publicKey };
}

export type FakeBehaviour = 'healthy' | 'never-healthy';

export interface FakeReleaseSpec {
  /** As written in package.json. */
  version: string;
  apiMajor?: number;
  behaviour?: FakeBehaviour;
}

const FAKE_DAEMON = `import { createServer } from 'node:http';
import { appendFileSync, readFileSync } from 'node:fs';
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const up = pkg.fake.behaviour !== 'never-healthy';
appendFileSync('started.log', pkg.version + '\\n');
const server = createServer((req, res) => {
  res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: up ? 'UP' : 'DOWN', version: pkg.version, pid: process.pid }));
});
server.listen(Number(process.env.FAKE_PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  appendFileSync('stopped.log', pkg.version + '\\n');
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
`;

/** Writes a fake daemon package into `dir`. */
export async function writeFakePackage(dir: string, spec: FakeReleaseSpec): Promise<void> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  const pkg = {
    name: 'efm-fake', version: spec.version, type: 'module', bin: { efm: 'bin/daemon.mjs' },
    efm: { apiMajor: spec.apiMajor ?? 2 }, fake: { behaviour: spec.behaviour ?? 'healthy' },
  };
  await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  await writeFile(join(dir, 'bin', 'daemon.mjs'), FAKE_DAEMON);
}
