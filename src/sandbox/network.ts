import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Clock } from '../clock/index.js';
import { generateSelfSignedKeystore, loadKeystoreEntry } from '../crypto/index.js';
import { DEMO_ORGANISATIONS, defaultDemoOrganisations, startFakeServiceRegistry } from './service-registry/index.js';

// A local eFormidling network for the quick start and the end-to-end tests: a keystore per demo
// organisation (made once, kept in the sandbox's data directory) and the fake Service Registry that
// publishes their certificates. More fakes join it as the transports arrive.
export interface SandboxOrganisation {
  orgnr: string;
  name: string;
  keystorePath: string;
  keystorePassword: string;
}

export interface SandboxNetwork {
  registryUrl: string;
  organisations: SandboxOrganisation[];
  close(): Promise<void>;
}

export interface SandboxNetworkOptions {
  dataDir: string;
  clock: Clock;
  /** Port of the fake registry; 0 picks a free one. */
  registryPort?: number;
  host?: string;
}

async function demoKeystore(dir: string, orgnr: string, clock: Clock): Promise<{ path: string; password: string; certificatePem: string }> {
  const path = join(dir, `${orgnr}.p12`);
  const passwordPath = join(dir, `${orgnr}.password`);
  let password = await readFile(passwordPath, 'utf8').catch(() => undefined);
  if (password === undefined) {
    password = randomBytes(18).toString('base64url');
    await generateSelfSignedKeystore({ orgNumber: orgnr, commonName: `Sandbox ${orgnr}`, password, out: path, clock });
    await writeFile(passwordPath, password, { mode: 0o600 });
  }
  const { entry } = await loadKeystoreEntry({ path, password, alias: orgnr, type: 'PKCS12', clock });
  return { path, password, certificatePem: entry.certificate.toString() };
}

export async function startSandboxNetwork(o: SandboxNetworkOptions): Promise<SandboxNetwork> {
  const keyDir = join(o.dataDir, 'keys');
  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  const organisations: SandboxOrganisation[] = [];
  const certificates: Record<string, string> = {};
  for (const demo of DEMO_ORGANISATIONS) {
    const ks = await demoKeystore(keyDir, demo.orgnr, o.clock);
    certificates[demo.orgnr] = ks.certificatePem;
    organisations.push({ orgnr: demo.orgnr, name: demo.name, keystorePath: ks.path, keystorePassword: ks.password });
  }
  const registry = await startFakeServiceRegistry({
    port: o.registryPort ?? 0, host: o.host ?? '127.0.0.1', organisations: defaultDemoOrganisations(certificates), clock: o.clock,
  });
  return { registryUrl: registry.url, organisations, close: () => registry.close() };
}
