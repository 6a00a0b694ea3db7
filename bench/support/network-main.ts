import { systemClock } from '../../src/clock/index.js';
import { startSandboxNetwork } from '../../src/sandbox/index.js';

// The sandbox network (Service Registry, Maskinporten, Altinn token exchange and broker) as a process of
// its own, so that a benchmark's daemons do not share theirs with the fakes. Bundled and started by
// bench/support/sandbox.mjs; prints the network's URLs and demo organisations as one JSON line on
// stdout, then runs until SIGTERM.
const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: network-main <data-dir>');
const network = await startSandboxNetwork({ dataDir, clock: systemClock });
process.stdout.write(`${JSON.stringify({
  registryUrl: network.registryUrl,
  maskinportenUrl: network.maskinportenUrl,
  maskinportenAudience: network.maskinportenAudience,
  altinnTokenExchangeUrl: network.altinnTokenExchangeUrl,
  brokerUrl: network.brokerUrl,
  organisations: network.organisations,
})}\n`);
process.once('SIGTERM', () => {
  network.close().then(() => process.exit(0), () => process.exit(1));
});
