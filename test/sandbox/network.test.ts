import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { testConfig } from '../../src/config/testing.js';
import { loadKeystoreEntry, type KeystoreEntry } from '../../src/crypto/index.js';
import { loadUndici } from '../../src/http/index.js';
import { randomIds } from '../../src/ids/index.js';
import { startSandboxNetwork, type SandboxNetwork, type SandboxOrganisation } from '../../src/sandbox/index.js';
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
