import { access, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { signRelease, startDistributionHub, type DistributionHub } from '../../src/sandbox/hub/index.js';
import { startSandboxNetwork, type SandboxNetwork } from '../../src/sandbox/index.js';
import { generateKeyPair, type KeyPair } from '../update/fake-release.js';
import { freePort } from '../update/support.js';
import { delay, ReceivingCaseSystem, SendingCaseSystem } from './support/case-systems.js';
import { MAIN, packDaemonRelease } from './support/daemon-release.js';
import { startDaemonProcess, startEfmProcess, type EfmProcess, type LogLine } from './support/efm-process.js';
import { AUTHORIZATION, countStatuses, sandboxDaemonSettings, writeSettingsFile } from './support/sandbox-daemons.js';

// Issue 6, "end-to-end under efm supervise with the sandbox hub": real releases of this daemon (the
// built checkout, packed as version A = 1.0.0 and B = 1.1.0 and signed with a key the test makes) on
// the sandbox's distribution hub; `node dist/main.js supervise` runs the sending organisation's daemon
// against the sandbox network, and `node dist/main.js start` the receiving organisation's. A case
// system keeps sending DPO messages through the API the whole time, repeating calls while the daemon
// is down for the switch. First a tampered archive is refused and A keeps running; then the feed
// offers B, the supervisor drains A, starts B and waits for its health, and afterwards every message
// has reached the receiving case system once and the broker holds one completed transfer per message.
const ENVIRONMENT = 'e2e';
/** The supervisor checks the feed this often (cron with seconds). */
const SCHEDULE = '*/2 * * * * *';
/** Case-system calls in flight at once, and the pause each takes between messages. */
const CONCURRENT_SENDS = 2;
const SEND_PAUSE_MS = 150;
/** Messages the case system sends after B answers, so B is seen sending too. */
const MESSAGES_AFTER_SWITCH = 20;
const START_TIMEOUT_MS = 90_000;
const FLOW_TIMEOUT_MS = 120_000;

describe('efm supervise updating a real daemon from the sandbox hub', () => {
  let dir: string;
  let network: SandboxNetwork;
  let receiver: EfmProcess & { url: string };
  let hub: DistributionHub;
  let keys: KeyPair;
  let supervisor: EfmProcess;
  let installRoot: string;
  let apiUrl: string;
  let senderOrg: string;
  let receiverOrg: string;
  let sending: SendingCaseSystem;
  let receiving: ReceivingCaseSystem;
  let sendingLoop: Promise<void> | undefined;
  let stopSending = false;

  beforeAll(async () => {
    await access(MAIN).catch(() => {
      throw new Error(`${MAIN} is missing: run npm run build (npm test does)`);
    });
    dir = await mkdtemp(join(tmpdir(), 'efm-e2e-supervise-'));
    network = await startSandboxNetwork({ dataDir: join(dir, 'sandbox'), clock: systemClock });
    const [from, to] = network.organisations;
    if (!from || !to) throw new Error('the sandbox has two demo organisations');
    senderOrg = from.orgnr;
    receiverOrg = to.orgnr;
    const receiverConfig = join(dir, 'receiver.properties');
    await writeSettingsFile(receiverConfig, sandboxDaemonSettings({ network, organisation: to, dataDir: join(dir, 'receiver'), port: 0 }));
    receiver = await startDaemonProcess(receiverConfig, START_TIMEOUT_MS);

    hub = await startDistributionHub({ dir: join(dir, 'hub') });
    keys = await generateKeyPair();
    const keyFile = join(dir, 'release-key.asc');
    await writeFile(keyFile, keys.publicKey);
    await publish('1.0.0');
    await setFeed('v1.0.0');

    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    installRoot = join(dir, 'efm-home');
    const configFile = join(dir, 'efm.properties');
    await writeSettingsFile(configFile, sandboxDaemonSettings({
      network, organisation: from, dataDir: join(dir, 'sender'), port,
      extra: {
        'efm.update.feed-url': hub.feedUrl,
        'efm.update.releases-url': hub.releasesUrl,
        'efm.update.public-key-paths': keyFile,
        'efm.update.install-root': installRoot,
        'efm.update.environment': ENVIRONMENT,
        'efm.update.schedule': SCHEDULE,
        'efm.update.launch-poll-interval': '200ms',
        'efm.update.launch-timeout': '60s',
        'efm.update.drain-timeout': '30s',
      },
    }));
    supervisor = startEfmProcess(['supervise', '--config', configFile]);
    await supervisor.waitForLine((line) => line.msg === 'daemon healthy' && line.version === '1.0.0', START_TIMEOUT_MS);

    sending = new SendingCaseSystem({ baseUrl: () => apiUrl, from: senderOrg, to: receiverOrg, withFile: true });
    receiving = new ReceivingCaseSystem(() => receiver.url);
    receiving.start();
    sendingLoop = Promise.all(Array.from({ length: CONCURRENT_SENDS }, async () => {
      while (!stopSending) {
        await sending.sendOne();
        await delay(SEND_PAUSE_MS);
      }
    })).then(() => undefined);
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    stopSending = true;
    await sendingLoop?.catch(() => undefined);
    await receiving?.stop();
    await supervisor?.stop(60_000);
    await receiver?.stop(60_000);
    await hub?.close();
    await network?.close();
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  async function publish(version: string, tamper = false): Promise<void> {
    const archive = await packDaemonRelease({ version, dir: join(dir, `release-${version}`) });
    const signature = await signRelease({ archive, privateKey: keys.privateKey });
    if (tamper) await flipOneByte(archive);
    await hub.publish({ tag: `v${version}`, archive, signature });
  }

  async function setFeed(latest: string): Promise<void> {
    await hub.setFeed({ [ENVIRONMENT]: { latest } });
  }

  async function infoVersion(): Promise<string | undefined> {
    try {
      const response = await fetch(`${apiUrl}/manage/info`, { headers: { authorization: AUTHORIZATION } });
      return response.status === 200 ? ((await response.json()) as { version?: string }).version : undefined;
    } catch {
      return undefined;
    }
  }

  const checkDone = (version: string) => (line: LogLine) => line.msg === 'update check done' && line.version === version;
  const daemonsStarted = () => supervisor.lines().filter((line) => line.msg === 'daemon healthy');

  it('refuses a tampered B, block-lists it, and keeps A running and sending', async () => {
    expect(await infoVersion()).toBe('1.0.0');
    await publish('1.0.5', true);
    await setFeed('v1.0.5');

    const refused = await supervisor.waitForLine(checkDone('1.0.5'), FLOW_TIMEOUT_MS);

    expect(refused).toMatchObject({ outcome: 'refused', code: 'EFM_UPDATE_SIGNATURE_INVALID' });
    expect(await infoVersion()).toBe('1.0.0');
    expect(daemonsStarted().map((line) => line.version)).toEqual(['1.0.0']);
    expect(await readdir(join(installRoot, 'versions'))).toEqual(['1.0.0']);
    expect(await readdir(installRoot)).toContain('efm-v1.0.5.blocklisted');
    const acceptedAtRefusal = sending.accepted.length;
    await until(async () => sending.accepted.length >= acceptedAtRefusal + 5, FLOW_TIMEOUT_MS);
  }, FLOW_TIMEOUT_MS + 30_000);

  it('updates A to B while messages flow: each reaches the receiver once, over one broker transfer', async () => {
    const pidOfA = daemonsStarted()[0]?.pid;
    await publish('1.1.0');
    await setFeed('v1.1.0');

    const switched = await supervisor.waitForLine(checkDone('1.1.0'), FLOW_TIMEOUT_MS);
    expect(switched).toMatchObject({ outcome: 'updated', from: '1.0.0' });
    expect(await infoVersion()).toBe('1.1.0');
    const acceptedAtSwitch = sending.accepted.length;
    await until(async () => sending.accepted.length >= acceptedAtSwitch + MESSAGES_AFTER_SWITCH, FLOW_TIMEOUT_MS);
    stopSending = true;
    await sendingLoop;
    await receiving.waitFor(sending.accepted, FLOW_TIMEOUT_MS);
    await until(async () => (await countStatuses(apiUrl, 'LEVERT')) >= sending.accepted.length, FLOW_TIMEOUT_MS);

    expect(daemonsStarted().map((line) => line.version)).toEqual(['1.0.0', '1.1.0']);
    expect(daemonsStarted()[1]?.pid).not.toBe(pidOfA);
    expect(supervisor.lines().find((line) => line.module === 'update' && line.msg === 'daemon stopped'), 'A drained and exited by itself')
      .toMatchObject({ code: 0, signal: null });
    expect(sending.retries, 'the case system met the daemon down during the switch').toBeGreaterThan(0);
    const ids = sending.accepted;
    expect(new Set(ids).size).toBe(ids.length);
    expect([...receiving.received.keys()].sort()).toEqual([...ids].sort());
    expect([...receiving.received.values()].every((count) => count === 1)).toBe(true);
    // Only these messages go from the sender to the receiver (the receipts go the other way), and each
    // of them arrived, so as many completed transfers as messages means one transfer per message.
    const transfers = network.altinn.transfers().filter((t) => t.sender === `0192:${senderOrg}`);
    expect(transfers.map((t) => t.status)).toEqual(ids.map(() => 'AllConfirmedDownloaded'));
    expect(await countStatuses(apiUrl, 'SENDT')).toBe(ids.length);
  }, FLOW_TIMEOUT_MS * 4);

  it('stops on SIGTERM: drains B and exits 0', async () => {
    const stopped = await supervisor.stop(60_000);

    expect(stopped).toEqual({ code: 0, signal: null });
    expect(supervisor.lines().filter((line) => line.module === 'update' && line.msg === 'daemon stopped').map((line) => line.code)).toEqual([0, 0]);
    expect(await infoVersion()).toBeUndefined();
  }, 90_000);
});

/** Changes one byte in the middle of the file: the archive the hub serves is no longer the one signed. */
async function flipOneByte(path: string): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const middle = Math.floor((await file.stat()).size / 2);
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, middle);
    byte[0] = (byte[0] ?? 0) ^ 0xff;
    await file.write(byte, 0, 1, middle);
  } finally {
    await file.close();
  }
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await delay(200);
  }
}
