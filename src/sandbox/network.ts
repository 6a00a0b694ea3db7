import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../clock/index.js';
import { ADAPTER_ORGNR } from '../transports/dph/index.js';
import { startFakeAltinn, type FakeAltinn } from './altinn/index.js';
import { startFakeCorrespondence, type FakeCorrespondence } from './correspondence/index.js';
import { startFakeCorner2, type FakeCorner2 } from './dpi/index.js';
import { startFakeMaskinporten, type FakeMaskinporten } from './maskinporten/index.js';
import { startFakeNhnAdapter, type FakeNhnAdapter } from './nhn-adapter/index.js';
import { sandboxKey } from './sandbox-keys.js';
import { DEMO_ROLES, SANDBOX_KEY_HOLDERS, sandboxRegistryEntries } from './sandbox-parties.js';
import { startFakeServiceBus, type FakeServiceBus } from './service-bus/index.js';
import { DEMO_ORGANISATIONS, startFakeServiceRegistry, type FakeServiceRegistry } from './service-registry/index.js';
import { startFakeSvarUt, type FakeSvarUt } from './svarut/index.js';

// A local eFormidling network for the quick start and the end-to-end tests, a fake per service: the
// Service Registry, Maskinporten, Altinn (token exchange and the DPO broker), the Altinn correspondence
// API (DPV), DPI corner 2 with the KRR print lookup, KS SvarUt and SvarInn (DPF), the Service Bus (DPE)
// and the nhn-adapter (DPH). Keys are made once and kept in the data directory (sandbox-keys); what the
// fakes hold lives in memory and starts empty. Who is reached by which service: sandbox-parties.

export interface SandboxOrganisation {
  orgnr: string;
  name: string;
  keystorePath: string;
  keystorePassword: string;
  /** Its health unit's HER id on the nhn-adapter (efm.dph.her-ids). */
  herId: string;
  /** Which of its Service Bus queues it reads (efm.dpe.mode). */
  dpeMode: 'data' | 'innsyn';
  /** Its KS FIKS user, for SvarUt and SvarInn alike. */
  fiks: { username: string; password: string };
}

export interface SandboxNetwork {
  registryUrl: string;
  /** Maskinporten's token endpoint (efm.maskinporten.url) and the audience its grants name. */
  maskinportenUrl: string;
  maskinportenAudience: string;
  /** efm.dpo.altinn-token-exchange-url and efm.dpv.altinn-token-exchange-url. */
  altinnTokenExchangeUrl: string;
  /** efm.dpo.brokerservice-url. */
  brokerUrl: string;
  /** efm.dpv.correspondence-service-url. */
  correspondenceUrl: string;
  /** efm.dpi.uri and efm.dpi.krr-print-url. */
  corner2Url: string;
  printLookupUrl: string;
  /** efm.fiks.ut.endpoint-url and efm.fiks.inn.base-url. */
  svarUtUrl: string;
  svarInnUrl: string;
  /** efm.dpe.base-url (over http), and the shared access policy (efm.dpe.sas-key-name, efm.dpe.sas-token). */
  serviceBusNamespace: string;
  serviceBusPolicy: { name: string; key: string };
  /** efm.dph.uri. */
  nhnAdapterUrl: string;
  organisations: SandboxOrganisation[];
  /** The fakes themselves, e.g. to make them fail for a while or to look at what they hold. */
  registry: FakeServiceRegistry;
  maskinporten: FakeMaskinporten;
  altinn: FakeAltinn;
  correspondence: FakeCorrespondence;
  corner2: FakeCorner2;
  svarUt: FakeSvarUt;
  serviceBus: FakeServiceBus;
  nhnAdapter: FakeNhnAdapter;
  close(): Promise<void>;
}

export interface SandboxNetworkOptions {
  dataDir: string;
  clock: Clock;
  /**
   * The folder of the DPI JSON Schemas, which corner 2 checks letters against; default `schemas/dpi-json`
   * of the checkout this file is in (the bundled CLI passes its own).
   */
  dpiSchemaDir?: string;
  /** Ports of the fakes; 0 (the default) picks a free one. */
  registryPort?: number;
  maskinportenPort?: number;
  altinnPort?: number;
  host?: string;
}

/** The eInnsyn pilot policy name the reference's configuration uses. */
const SERVICE_BUS_POLICY = 'MoveDPE-pilotPolicy';
const CHECKOUT_DPI_SCHEMAS = fileURLToPath(new URL('../../schemas/dpi-json', import.meta.url));

export async function startSandboxNetwork(o: SandboxNetworkOptions): Promise<SandboxNetwork> {
  const keyDir = join(o.dataDir, 'keys');
  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  // Made at once: on a first start, generating the keys is most of the wait.
  const [demoKeys, holderKeys] = await Promise.all([
    Promise.all(DEMO_ORGANISATIONS.map((demo) => sandboxKey(keyDir, demo.orgnr, o.clock))),
    Promise.all([SANDBOX_KEY_HOLDERS.mailboxProvider, SANDBOX_KEY_HOLDERS.printProvider, SANDBOX_KEY_HOLDERS.svarUt, ADAPTER_ORGNR]
      .map(async (orgnr) => (await sandboxKey(keyDir, orgnr, o.clock)).entry)),
  ]);
  const certificates: Record<string, string> = {};
  const organisations = DEMO_ORGANISATIONS.map((demo, i): SandboxOrganisation => {
    const key = demoKeys[i];
    const role = DEMO_ROLES[demo.orgnr];
    if (key === undefined || role === undefined) throw new TypeError(`no key or role for demo organisation ${demo.orgnr}`);
    certificates[demo.orgnr] = key.entry.certificate.toString();
    return {
      orgnr: demo.orgnr, name: demo.name, keystorePath: key.path, keystorePassword: key.password, ...role,
      fiks: { username: `fiks-${demo.orgnr}`, password: randomBytes(12).toString('base64url') },
    };
  });
  const [mailboxProvider, printProvider, svarUtKey, adapterKey] = holderKeys;
  if (mailboxProvider === undefined || printProvider === undefined || svarUtKey === undefined || adapterKey === undefined) throw new TypeError('a sandbox key is missing');
  // What the fakes kept on disk belongs to their state in memory, which a new start begins without.
  const stateDir = (name: string) => join(o.dataDir, name);
  await Promise.all(['altinn', 'dpi', 'svarut', 'nhn-adapter'].map((name) => rm(stateDir(name), { recursive: true, force: true })));

  const host = o.host ?? '127.0.0.1';
  const clock = o.clock;
  const started: { close(): Promise<void> }[] = [];
  const keep = <T extends { close(): Promise<void> }>(fake: T): T => {
    started.push(fake);
    return fake;
  };
  try {
    const maskinporten = keep(await startFakeMaskinporten({
      port: o.maskinportenPort ?? 0, host, clock,
      organisations: Object.entries(certificates).map(([orgnr, certificatePem]) => ({ orgnr, certificatePem })),
    }));
    const altinn = keep(await startFakeAltinn({ port: o.altinnPort ?? 0, host, clock, maskinporten, storageDir: stateDir('altinn') }));
    const correspondence = keep(await startFakeCorrespondence({ host, clock, advanceOnOverview: true }));
    const corner2 = keep(await startFakeCorner2({
      host, clock, schemaDir: o.dpiSchemaDir ?? CHECKOUT_DPI_SCHEMAS, workDir: stateDir('dpi'), tokens: maskinporten,
      providers: [{ orgnr: SANDBOX_KEY_HOLDERS.mailboxProvider, key: mailboxProvider }, { orgnr: SANDBOX_KEY_HOLDERS.printProvider, key: printProvider }],
      printProvider: SANDBOX_KEY_HOLDERS.printProvider,
    }));
    const svarUt = keep(await startFakeSvarUt({
      host, clock, svarUtKey, storageDir: stateDir('svarut'), certificates,
      accounts: organisations.map((org) => ({ orgnr: org.orgnr, ...org.fiks })),
    }));
    const serviceBusPolicy = { name: SERVICE_BUS_POLICY, key: randomBytes(32).toString('base64') };
    const serviceBus = keep(await startFakeServiceBus({ host, clock, policies: { [serviceBusPolicy.name]: serviceBusPolicy.key } }));
    const nhnAdapter = keep(await startFakeNhnAdapter({ host, clock, key: adapterKey, workDir: stateDir('nhn-adapter'), tokens: maskinporten, receipts: 'auto' }));
    const registry = keep(await startFakeServiceRegistry({
      port: o.registryPort ?? 0, host, clock,
      organisations: sandboxRegistryEntries({
        certificates,
        mailboxProviderCertificatePem: mailboxProvider.certificate.toString(),
        svarUtCertificatePem: svarUtKey.certificate.toString(),
        nhnAdapterCertificatePem: adapterKey.certificate.toString(),
        endpoints: { dpv: correspondence.url, dpf: `${svarUt.url}/tjenester/forsendelseservice/ForsendelsesServiceV9`, dpi: corner2.url, dph: nhnAdapter.url },
      }),
    }));
    return {
      registryUrl: registry.url,
      maskinportenUrl: maskinporten.tokenUrl,
      maskinportenAudience: maskinporten.audience,
      altinnTokenExchangeUrl: altinn.tokenExchangeUrl,
      brokerUrl: altinn.brokerUrl,
      correspondenceUrl: correspondence.url,
      corner2Url: corner2.url,
      printLookupUrl: corner2.printLookupUrl,
      svarUtUrl: svarUt.url,
      svarInnUrl: svarUt.svarInnUrl,
      serviceBusNamespace: serviceBus.namespace,
      serviceBusPolicy,
      nhnAdapterUrl: nhnAdapter.url,
      organisations,
      registry, maskinporten, altinn, correspondence, corner2, svarUt, serviceBus, nhnAdapter,
      close: () => closeAll(started),
    };
  } catch (error) {
    await closeAll(started);
    throw error;
  }
}

async function closeAll(fakes: readonly { close(): Promise<void> }[]): Promise<void> {
  await Promise.all(fakes.map((fake) => fake.close()));
}
