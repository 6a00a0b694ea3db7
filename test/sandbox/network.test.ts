import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { X509Certificate } from 'node:crypto';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { loadConfig } from '../../src/config/index.js';
import { testConfig } from '../../src/config/testing.js';
import { loadKeystoreEntry, type KeystoreEntry } from '../../src/crypto/index.js';
import { loadUndici } from '../../src/http/index.js';
import { randomIds } from '../../src/ids/index.js';
import {
  SANDBOX_KEY_HOLDERS, SANDBOX_RECEIVERS, sandboxDaemonEnv, startSandboxNetwork, type SandboxNetwork, type SandboxOrganisation,
} from '../../src/sandbox/index.js';
import { createAltinnTokens, createDpoTransport } from '../../src/transports/dpo/index.js';
import type { Transport } from '../../src/transports/index.js';
import { outgoingMessage, recordingSink, sendContext } from '../transports/dpo/support.js';

let dir: string;
let network: SandboxNetwork;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'efm-sandbox-network-'));
  network = await startSandboxNetwork({ dataDir: dir, clock: systemClock });
});
afterAll(async () => {
  await network.close();
  await rm(dir, { recursive: true, force: true });
});

async function transportOf(organisation: SandboxOrganisation): Promise<{ transport: Transport; key: KeystoreEntry }> {
  const { entry: key } = await loadKeystoreEntry({ path: organisation.keystorePath, password: organisation.keystorePassword, alias: organisation.orgnr, type: 'PKCS12' });
  const config = testConfig({
    'efm.org.number': organisation.orgnr,
    'efm.dpo.brokerservice-url': network.brokerUrl,
    'efm.dpo.altinn-token-exchange-url': network.altinnTokenExchangeUrl,
  }).dpo;
  const tokens = createAltinnTokens({
    maskinporten: { tokenUrl: network.maskinportenUrl, audience: network.maskinportenAudience, clientId: `MOVE_IP_${organisation.orgnr}`, signingKey: key.privateKey, certificateChainPem: key.certificate.toString() },
    exchangeUrl: config.altinnTokenExchangeUrl,
    clock: systemClock,
  });
  const transport = createDpoTransport({ config, ownKey: key, ids: randomIds, tokens, clock: systemClock, workDir: join(dir, `dpo-${organisation.orgnr}`) });
  return { transport, key };
}

describe(startSandboxNetwork.name, () => {
  it('still serves the registry, and carries a DPO message between the demo organisations', async () => {
    const [from, to] = network.organisations;
    if (from === undefined || to === undefined) throw new Error('the sandbox has two demo organisations');
    const { request } = await loadUndici();
    const lookup = await request(`${network.registryUrl}/identifier/${to.orgnr}`);
    expect(lookup.statusCode).toBe(200);
    await lookup.body.dump();

    const sender = await transportOf(from);
    const receiver = await transportOf(to);
    const message = await outgoingMessage({ receiverCertificate: receiver.key.certificate.toString() }, { from: from.orgnr, to: to.orgnr });
    await sender.transport.send(message, sendContext());
    const sink = recordingSink();
    await receiver.transport.poll?.(sink, new AbortController().signal);
    expect(sink.received.map((r) => r.sbd)).toEqual([message.message.sbd]);
    expect(network.altinn.transfers().map((t) => t.status)).toEqual(['AllConfirmedDownloaded']);
  });
});

describe('the sandbox\'s Service Registry', () => {
  const lookup = async (path: string): Promise<{ infoRecord: Record<string, unknown>; serviceRecords: Record<string, unknown>[] }> => {
    const { request } = await loadUndici();
    const answer = await request(`${network.registryUrl}${path}`);
    expect(answer.statusCode, path).toBe(200);
    return await answer.body.json() as { infoRecord: Record<string, unknown>; serviceRecords: Record<string, unknown>[] };
  };
  const servicesOf = async (path: string): Promise<unknown[]> => (await lookup(path)).serviceRecords.map((r) => (r.service as { identifier: string }).identifier);

  it('routes a receiver to each of the six services', async () => {
    const arkivmelding = 'process/urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';
    expect(await servicesOf(`/identifier/910075918/${arkivmelding}`)).toEqual(['DPO']);
    expect(await servicesOf(`/identifier/${SANDBOX_RECEIVERS.dpv.orgnr}/${arkivmelding}`)).toEqual(['DPV']);
    expect(await servicesOf(`/identifier/${SANDBOX_RECEIVERS.dpf.orgnr}/${arkivmelding}`)).toEqual(['DPF']);
    expect(await servicesOf('/identifier/910075918/process/urn:no:difi:profile:einnsyn:innsynskrav:ver1.0')).toEqual(['DPE']);
    expect(await servicesOf(`/identifier/${SANDBOX_RECEIVERS.citizen.fnr}/process/urn:no:difi:profile:digitalpost:info:ver1.0`)).toEqual(['DPI']);
    expect(await servicesOf('/identifier/her-id:8143541/process/urn:no:difi:profile:helse:helse:ver1.0')).toEqual(['DPH']);
  });

  it('gives DPF records SvarUt\'s certificate, the citizen its mailbox provider, and health units their organisation', async () => {
    const [dpf] = (await lookup(`/identifier/${SANDBOX_RECEIVERS.dpf.orgnr}`)).serviceRecords;
    expect(new X509Certificate(String(dpf?.pemCertificate)).subject).toContain(`serialNumber=${SANDBOX_KEY_HOLDERS.svarUt}`);
    const [dpi] = (await lookup(`/identifier/${SANDBOX_RECEIVERS.citizen.fnr}`)).serviceRecords;
    expect(dpi).toMatchObject({ orgnrPostkasse: SANDBOX_KEY_HOLDERS.mailboxProvider, postkasseAdresse: SANDBOX_RECEIVERS.citizen.postkasseAdresse, fysiskPost: false });
    expect(new X509Certificate(String(dpi?.pemCertificate)).subject).toContain(`serialNumber=${SANDBOX_KEY_HOLDERS.mailboxProvider}`);
    expect((await lookup('/info/her-id:8143548')).infoRecord).toMatchObject({ herId: '8143548', organizationNumber: '910077473' });
    const { request } = await loadUndici();
    const virksert = await request(`${network.registryUrl}/virksert/991825827`);
    expect(new X509Certificate(await virksert.body.text()).subject).toContain('serialNumber=991825827');
  });
});

describe(sandboxDaemonEnv.name, () => {
  it('configures a sandbox daemon, with config/sandbox.yml, for all six services against the fakes', () => {
    const [org] = network.organisations;
    if (org === undefined) throw new Error('the sandbox has demo organisations');
    const { config } = loadConfig({ profile: 'sandbox', env: sandboxDaemonEnv(network, org, { dataDir: dir, port: 0 }), configDir: resolve(import.meta.dirname, '../../config') });
    expect([config.dpo, config.dpv, config.dpi, config.dpf, config.dpe, config.dph].map((s) => s.enabled)).toEqual([true, true, true, true, true, true]);
    expect(config).toMatchObject({
      org: { number: org.orgnr },
      dpv: { correspondenceServiceUrl: network.correspondenceUrl },
      dpi: { uri: network.corner2Url, krrPrintUrl: network.printLookupUrl, certificate: { mode: 'SELF_SIGNED' } },
      fiks: { ut: { endpointUrl: network.svarUtUrl, username: org.fiks.username }, inn: { baseUrl: network.svarInnUrl, enabled: true } },
      dpe: { baseUrl: network.serviceBusNamespace, useHttps: false, mode: org.dpeMode, sasKeyName: network.serviceBusPolicy.name },
      dph: { uri: network.nhnAdapterUrl, herIds: [org.herId] },
    });
  });
});
