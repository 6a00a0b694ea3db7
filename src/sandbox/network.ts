import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Clock } from '../clock/index.js';
import { generateSelfSignedKeystore, loadKeystoreEntry } from '../crypto/index.js';
import { startFakeAltinn, type FakeAltinn } from './altinn/index.js';
import { startFakeMaskinporten, type FakeMaskinporten } from './maskinporten/index.js';
import { DEMO_ORGANISATIONS, defaultDemoOrganisations, startFakeServiceRegistry } from './service-registry/index.js';

// A local eFormidling network for the quick start and the end-to-end tests: a keystore per demo
// organisation (made once, kept in the sandbox's data directory), the fake Service Registry that
// publishes their certificates, Maskinporten that knows those certificates, and Altinn (token exchange
// and broker) for DPO. More fakes join it as the transports arrive.
export interface SandboxOrganisation {
  orgnr: string;
  name: string;
  keystorePath: string;
  keystorePassword: string;
}

export interface SandboxNetwork {
  registryUrl: string;
  /** Maskinporten's token endpoint (efm.maskinporten.url) and the audience its grants name. */
  maskinportenUrl: string;
  maskinportenAudience: string;
  /** efm.dpo.altinn-token-exchange-url and efm.dpo.brokerservice-url. */
  altinnTokenExchangeUrl: string;
  brokerUrl: string;
  organisations: SandboxOrganisation[];
  /** The fakes themselves, e.g. to make them fail for a while. */
  maskinporten: FakeMaskinporten;
  altinn: FakeAltinn;
  close(): Promise<void>;
}

export interface SandboxNetworkOptions {
  dataDir: string;
  clock: Clock;
  /** Ports of the fakes; 0 (the default) picks a free one. */
  registryPort?: number;
  maskinportenPort?: number;
  altinnPort?: number;
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
  const host = o.host ?? '127.0.0.1';
  const registry = await startFakeServiceRegistry({
    port: o.registryPort ?? 0, host, organisations: defaultDemoOrganisations(certificates), clock: o.clock,
  });
  const maskinporten = await startFakeMaskinporten({
    port: o.maskinportenPort ?? 0, host, clock: o.clock,
    organisations: Object.entries(certificates).map(([orgnr, certificatePem]) => ({ orgnr, certificatePem })),
  });
  const altinn = await startFakeAltinn({ port: o.altinnPort ?? 0, host, clock: o.clock, maskinporten, storageDir: join(o.dataDir, 'altinn') });
  return {
    registryUrl: registry.url,
    maskinportenUrl: maskinporten.tokenUrl,
    maskinportenAudience: maskinporten.audience,
    altinnTokenExchangeUrl: altinn.tokenExchangeUrl,
    brokerUrl: altinn.brokerUrl,
    organisations,
    maskinporten,
    altinn,
    close: async () => {
      await Promise.all([registry.close(), maskinporten.close(), altinn.close()]);
    },
  };
}
