import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { startSandboxNetwork, type SandboxNetwork } from '../../src/sandbox/index.js';
import { startBrokerTap, type BrokerTap, type TappedUpload } from '../support/broker-tap.js';
import { CaseSystem, type Received } from '../support/case-system.js';
import { daemonProcess, type DaemonProcess } from '../support/daemon-process.js';
import { inParallel, untilDeadline } from '../support/deadline.js';
import { pdfBytes } from '../support/http.js';
import { SANDBOX_PASSWORD, SANDBOX_USER, sandboxDaemonSettings, startSandboxDaemon, type InProcessDaemon } from '../support/sandbox-daemons.js';

// The sending daemon, a process of its own, is killed with SIGKILL at random moments of a 1 000-message
// run and started again on the same data directory, while its case system keeps submitting (repeating
// each call until the daemon answers again). One more kill is aimed: right after the broker accepted an
// upload, before the sender heard so. At the end every message has reached the receiving case system
// exactly once, and the broker holds one completed transfer per message.
//
// Why that holds: the outbox stores the broker's fileTransferId before it uploads (SendContext.saveState),
// so a send retried after a crash asks the broker how far that transfer got and never uploads the
// message again once the broker has it. A second completed transfer could only come from a crash after
// the broker had the file and before the local commit (SENDT) *if* the id had not been stored; the test
// accepts such a duplicate only for a message that a kill caught in exactly that window, and at most one
// per send in flight per kill — with the id stored, there are none.

const MESSAGES = 1_000;
const RANDOM_KILLS = 4;
const SUBMIT_CONCURRENCY = 16;
/** efm.queue.concurrency of the sender: the sends a kill can catch in flight. */
const SENDER_CONCURRENCY = 10;
const RUN_DEADLINE_MS = 420_000;
const COMPLETED = new Set(['Published', 'AllConfirmedDownloaded']);

let dir: string;
let network: SandboxNetwork;
let tap: BrokerTap;
let sender: DaemonProcess;
let senderOrg: string;
let receiver: InProcessDaemon;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'efm-e2e-crash-'));
  network = await startSandboxNetwork({ dataDir: join(dir, 'sandbox'), clock: systemClock });
  tap = await startBrokerTap(network.brokerUrl);
  const [from, to] = network.organisations;
  if (from === undefined || to === undefined) throw new Error('the sandbox has two demo organisations');
  senderOrg = from.orgnr;
  const senderDir = join(dir, 'sender');
  await mkdir(senderDir);
  sender = await daemonProcess(senderDir, sandboxDaemonSettings({
    network, organisation: from, dataDir: join(senderDir, 'data'), brokerUrl: tap.brokerUrl,
    extra: { 'efm.log.level': 'warn', 'efm.queue.concurrency': SENDER_CONCURRENCY, 'efm.queue.poll-schedule': '*/2 * * * * *' },
  }));
  await sender.start();
  receiver = await startSandboxDaemon({
    network, organisation: to, dataDir: join(dir, 'receiver'),
    extra: { 'efm.scheduling.enabled': false, 'efm.dpo.poll.concurrency': 8 },
  });
}, 60_000);

afterAll(async () => {
  await sender?.stop();
  await receiver?.close();
  await tap?.close();
  await network?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Kill {
  /** Real time of the kill. */
  at: number;
  /** For the aimed kill: the upload the broker had accepted when the sender died. */
  accepted?: TappedUpload;
}

/**
 * Kills the sender when the case system has submitted each of the given counts, and once more right
 * after the broker accepted an upload; each time starts it again at once.
 */
function killer(thresholds: readonly number[], submitted: () => number): { kills: Kill[]; done: Promise<void> } {
  const kills: Kill[] = [];
  const killAndRestart = async (): Promise<void> => {
    await sender.kill();
    kills.push({ at: Date.now() });
    await sender.start();
  };
  const done = (async () => {
    for (const [i, threshold] of thresholds.entries()) {
      await untilDeadline(RUN_DEADLINE_MS, async () => submitted() >= threshold, () => `only ${submitted()} submitted`);
      await killAndRestart();
      if (i === 1) {
        // Between the broker's answer to an upload and the sender hearing it: the window the stored
        // fileTransferId exists for.
        const aimed = new Promise<void>((res) => {
          tap.holdNextAcceptedUpload(async (accepted) => {
            await sender.kill();
            kills.push({ at: Date.now(), accepted });
            res();
          });
        });
        await aimed;
        await sender.start();
      }
    }
  })();
  return { kills, done };
}

function randomThresholds(count: number, from: number, to: number): number[] {
  return Array.from({ length: count }, () => from + Math.floor(Math.random() * (to - from))).sort((a, b) => a - b);
}

describe('a sending daemon killed at random moments', () => {
  it(`delivers each of ${MESSAGES} messages exactly once, with one completed broker transfer per message`, async () => {
    const senderCase = new CaseSystem({ url: () => sender.url, username: SANDBOX_USER, password: SANDBOX_PASSWORD, resilientForMs: RUN_DEADLINE_MS });
    const receiverCase = new CaseSystem({ url: () => receiver.daemon.url, username: SANDBOX_USER, password: SANDBOX_PASSWORD });
    const pdf = pdfBytes(3_000);
    let submittedCount = 0;
    const thresholds = randomThresholds(RANDOM_KILLS, 50, MESSAGES - 100);
    const { kills, done: killing } = killer(thresholds, () => submittedCount);
    const received: Received[] = [];

    const submitting = inParallel(Array.from({ length: MESSAGES }, (_, i) => i), SUBMIT_CONCURRENCY, async () => {
      const id = await senderCase.submit({ from: senderOrg, to: receiver.orgnr, pdf });
      submittedCount++;
      return id;
    });
    let submitted: string[] | undefined;
    void submitting.then((ids) => { submitted = ids; });
    await untilDeadline(RUN_DEADLINE_MS, async () => {
      await receiverCase.runJob('dpo-poll');
      received.push(...await receiverCase.receiveAll());
      return submitted !== undefined && received.length >= MESSAGES;
    }, () => `submitted ${submittedCount}, received ${received.length}, kills ${kills.length}\n${sender.output().split('\n').slice(-20).join('\n')}`);
    await killing;
    const ids = await submitting;

    // Every message reached the receiving case system exactly once.
    const deliveries = countBy(received.map((r) => r.messageId));
    expect([...deliveries.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect([...deliveries.keys()].sort()).toEqual([...ids].sort());
    expect(kills).toHaveLength(RANDOM_KILLS + 1);

    // Every message is SENDT at the sender: the local commit after the upload happened for each.
    const sentAt = await sentTimes(senderCase, ids);
    expect(ids.filter((id) => !sentAt.has(id))).toEqual([]);

    // One completed transfer per message at the broker; a second one only where a kill fell between
    // the broker accepting the first and the sender's SENDT, at most one per send in flight per kill.
    const completed = completedUploadsBySender();
    expect(completed.untapped).toEqual([]);
    const duplicates = [...completed.byMessage.entries()].filter(([, uploads]) => uploads.length > 1);
    const explained = duplicates.filter(([id, uploads]) => kills.some((k) => (uploads[0]?.at ?? Infinity) <= k.at && k.at <= (sentAt.get(id) ?? -Infinity)));
    expect(duplicates.filter((d) => !explained.includes(d)).map(([id]) => id)).toEqual([]);
    expect(explained.length).toBeLessThanOrEqual(kills.length * SENDER_CONCURRENCY);
    expect([...completed.byMessage.keys()].sort()).toEqual([...ids].sort());
    // The aimed kill fell into that window for certain; the stored fileTransferId kept it to one transfer.
    const aimedAt = kills.find((k) => k.accepted !== undefined)?.accepted;
    expect(aimedAt?.type).toBe('arkivmelding');
    expect(completed.byMessage.get(aimedAt?.messageId ?? '')).toHaveLength(1);
    console.log(`crash run: ${MESSAGES} messages, ${kills.length} kills, ${senderCase.retriedCalls} case-system calls repeated, `
      + `${tap.uploads.length} uploads accepted, ${duplicates.length} messages with a second completed transfer`);
  }, RUN_DEADLINE_MS + 60_000);
});

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** When each message got SENDT at the sender (real time, from the status's timestamp). */
async function sentTimes(caseSystem: CaseSystem, ids: readonly string[]): Promise<Map<string, number>> {
  const wanted = new Set(ids);
  const times = new Map<string, number>();
  for (const status of await caseSystem.statuses('SENDT')) {
    if (wanted.has(status.messageId)) times.set(status.messageId, Date.parse(status.lastUpdate));
  }
  return times;
}

/** The sender's completed broker transfers of arkivmeldinger, by messageId, oldest first. */
function completedUploadsBySender(): { byMessage: Map<string, TappedUpload[]>; untapped: string[] } {
  const tapped = new Map(tap.uploads.map((u) => [u.fileTransferId, u]));
  const byMessage = new Map<string, TappedUpload[]>();
  const untapped: string[] = [];
  for (const transfer of network.altinn.transfers()) {
    if (transfer.sender !== `0192:${senderOrg}` || !COMPLETED.has(transfer.status)) continue;
    const upload = tapped.get(transfer.fileTransferId);
    if (upload === undefined) {
      untapped.push(transfer.fileTransferId);
      continue;
    }
    if (upload.type !== 'arkivmelding') continue;
    byMessage.set(upload.messageId, [...(byMessage.get(upload.messageId) ?? []), upload]);
  }
  return { byMessage, untapped };
}
