import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { verifyAsic } from '../../src/crypto/index.js';
import { formatOslo } from '../../src/domain/time.js';
import { startSandboxNetwork, type SandboxNetwork } from '../../src/sandbox/index.js';
import { startBrokerTap, type BrokerTap } from '../support/broker-tap.js';
import { CaseSystem, type Received } from '../support/case-system.js';
import { inParallel, untilDeadline } from '../support/deadline.js';
import { pdfBytes } from '../support/http.js';
import { SANDBOX_PASSWORD, SANDBOX_USER, startSandboxDaemon, type InProcessDaemon } from '../support/sandbox-daemons.js';

// Two daemons of the sandbox's demo organisations exchange DPO messages through the sandbox's Altinn
// broker, each driven by its own case system over the API: every message reaches the other case system
// once and its sender sees LEVERT, also while the broker fails half its requests; a message whose time
// runs out gives LEVETID_UTLOPT on both sides and never reaches the receiving case system.
//
// Scheduling is off: the test runs dpo-poll and ttl-check through /manage/jobs, so it decides when
// each side polls. The outbox sends on its own, as it always does.

const MESSAGES_EACH_WAY = 200;
const SUBMIT_CONCURRENCY = 8;
const EXCHANGE_DEADLINE_MS = 150_000;
const BROKER_PATH = /^\/broker\//;
const FAILURE_WINDOW_MS = 12_000;
/** Transfer states in which the broker has the whole file. */
const COMPLETED = new Set(['Published', 'AllConfirmedDownloaded']);

interface Side {
  org: string;
  daemon: InProcessDaemon;
  caseSystem: CaseSystem;
  /** Every message its case system took off the queue. */
  received: Received[];
}

let dir: string;
let network: SandboxNetwork;
let tap: BrokerTap;
let a: Side;
let b: Side;

async function startSide(index: number): Promise<Side> {
  const organisation = network.organisations[index];
  if (organisation === undefined) throw new Error(`the sandbox has no demo organisation #${index}`);
  const daemon = await startSandboxDaemon({
    network, organisation, dataDir: join(dir, organisation.orgnr), brokerUrl: tap.brokerUrl,
    extra: { 'efm.scheduling.enabled': false, 'efm.dpo.poll.concurrency': 8 },
  });
  const caseSystem = new CaseSystem({ url: () => daemon.daemon.url, username: SANDBOX_USER, password: SANDBOX_PASSWORD });
  return { org: organisation.orgnr, daemon, caseSystem, received: [] };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'efm-e2e-dpo-'));
  network = await startSandboxNetwork({ dataDir: join(dir, 'sandbox'), clock: systemClock });
  tap = await startBrokerTap(network.brokerUrl);
  a = await startSide(0);
  b = await startSide(1);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([a?.daemon.close(), b?.daemon.close()]);
  await tap?.close();
  await network?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Submits `count` messages from one side to the other; returns their messageIds. */
async function submitMany(from: Side, to: Side, count: number, pdfSize = 4_000): Promise<string[]> {
  const pdf = pdfBytes(pdfSize);
  return inParallel(Array.from({ length: count }, (_, i) => i), SUBMIT_CONCURRENCY, () => from.caseSystem.submit({ from: from.org, to: to.org, pdf }));
}

/** One round of both sides: poll the broker, then take everything off the incoming queue. */
async function pollAndReceive(): Promise<void> {
  await Promise.all([a, b].map(async (side) => {
    // A poll that meets an injected failure ends early; the next round picks up what it left.
    await side.caseSystem.runJob('dpo-poll').catch(() => undefined);
    side.received.push(...await side.caseSystem.receiveAll());
  }));
}

async function hasLevert(side: Side, messageIds: readonly string[]): Promise<boolean> {
  const conversations = new Map((await side.caseSystem.conversations('OUTGOING')).map((c) => [c.messageId, c]));
  return messageIds.every((id) => conversations.get(id)?.statuses.includes('LEVERT') === true);
}

/** Runs poll rounds until every message of both lists is LEVERT at its sender. */
async function exchangeUntilDelivered(fromA: readonly string[], fromB: readonly string[]): Promise<void> {
  await untilDeadline(EXCHANGE_DEADLINE_MS, async () => {
    await pollAndReceive();
    return await hasLevert(a, fromA) && await hasLevert(b, fromB);
  }, () => `not all LEVERT: a received ${a.received.length}, b received ${b.received.length}\n${[...a.daemon.logLines, ...b.daemon.logLines].slice(-20).join('\n')}`);
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** What each completed broker transfer carried (`arkivmelding:<id>`, `status:MOTTATT:<id>` …), as the tap saw it. */
function completedTransferKeys(excluded: ReadonlySet<string> = new Set()): string[] {
  const byTransfer = new Map(tap.uploads.map((u) => [u.fileTransferId, u]));
  return network.altinn.transfers().filter((t) => COMPLETED.has(t.status) && !excluded.has(t.fileTransferId)).map((t) => {
    const upload = byTransfer.get(t.fileTransferId);
    if (upload === undefined) return `untapped:${t.fileTransferId}`;
    return upload.type === 'status' ? `status:${upload.status ?? '?'}:${upload.messageId}` : `${upload.type}:${upload.messageId}`;
  });
}

/** The keys every message must have at the broker exactly once: itself, and its MOTTATT and LEVERT back. */
function expectedKeys(messageIds: readonly string[]): string[] {
  return messageIds.flatMap((id) => [`arkivmelding:${id}`, `status:MOTTATT:${id}`, `status:LEVERT:${id}`]);
}

function receivedIds(side: Side, from: Side): string[] {
  return side.received.filter((r) => r.sender === `0192:${from.org}`).map((r) => r.messageId);
}

describe('DPO between two sandbox daemons', () => {
  it(`delivers ${MESSAGES_EACH_WAY} messages each way once, each reaching LEVERT at its sender`, async () => {
    const [fromA, fromB] = await Promise.all([submitMany(a, b, MESSAGES_EACH_WAY), submitMany(b, a, MESSAGES_EACH_WAY)]);
    await exchangeUntilDelivered(fromA, fromB);

    expect(receivedIds(b, a).sort()).toEqual([...fromA].sort());
    expect(receivedIds(a, b).sort()).toEqual([...fromB].sort());
    const conversations = await a.caseSystem.conversations('OUTGOING');
    const first = conversations.find((c) => c.messageId === fromA[0]);
    expect(first?.statuses).toEqual(expect.arrayContaining(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']));

    // What the receiving case system popped is the signed ASiC-E with the sender's documents.
    const popped = b.received.find((r) => r.messageId === fromA[0]);
    if (popped === undefined) throw new Error('the first message was not received');
    const asicPath = join(dir, 'popped.asice');
    await writeFile(asicPath, popped.asic);
    const asic = await verifyAsic(asicPath);
    expect(asic.documents.map((d) => [d.name, d.size])).toEqual(expect.arrayContaining([['vedtak.pdf', 4_000]]));
    expect(asic.signature?.signer.subject).toContain(a.org);

    const keys = completedTransferKeys();
    expect([...countBy(keys).entries()].filter(([, n]) => n > 1)).toEqual([]);
    expect(keys.sort()).toEqual(expectedKeys([...fromA, ...fromB]).sort());
  }, 300_000);

  it('delivers everything once while the broker fails half its requests for a while', async () => {
    a.received.length = 0;
    b.received.length = 0;
    const transfersBefore = new Set(network.altinn.transfers().map((t) => t.fileTransferId));
    // Sends, polls, downloads, confirmations and status replies all meet the failures. The window is
    // shorter than the outbox's first backoff (20 s), so a failed send comes back once it has passed.
    network.altinn.failures.failRate(0.5, { path: BROKER_PATH });
    const recovery = setTimeout(() => network.altinn.failures.clear(), FAILURE_WINDOW_MS);
    try {
      const [fromA, fromB] = await Promise.all([submitMany(a, b, MESSAGES_EACH_WAY), submitMany(b, a, MESSAGES_EACH_WAY)]);
      await exchangeUntilDelivered(fromA, fromB);
      expect(network.altinn.failures.failed).toBeGreaterThan(50);

      const receivedAtB = receivedIds(b, a);
      const receivedAtA = receivedIds(a, b);
      expect([...countBy(receivedAtB).values()].every((n) => n === 1)).toBe(true);
      expect([...countBy(receivedAtA).values()].every((n) => n === 1)).toBe(true);
      expect(receivedAtB.sort()).toEqual([...fromA].sort());
      expect(receivedAtA.sort()).toEqual([...fromB].sort());

      const keys = completedTransferKeys(transfersBefore);
      expect([...countBy(keys).entries()].filter(([, n]) => n > 1)).toEqual([]);
      expect(keys.sort()).toEqual(expectedKeys([...fromA, ...fromB]).sort());
    } finally {
      clearTimeout(recovery);
      network.altinn.failures.clear();
    }
  }, 300_000);

  it('gives LEVETID_UTLOPT on both sides when a message expires before it is fetched', async () => {
    a.received.length = 0;
    b.received.length = 0;
    const expiresAt = new Date(Math.ceil((Date.now() + 3_000) / 1000) * 1000);
    const messageId = await a.caseSystem.submit({ from: a.org, to: b.org, pdf: pdfBytes(2_000), expectedResponseDateTime: formatOslo(expiresAt) });
    await untilDeadline(10_000, async () => (await a.caseSystem.conversation(messageId))?.statuses.includes('SENDT') ?? false, () => 'never SENDT');

    // The sender's ttl-check gives up on the conversation once its time is past.
    await untilDeadline(15_000, async () => {
      await a.caseSystem.runJob('ttl-check');
      return (await a.caseSystem.conversation(messageId))?.statuses.includes('LEVETID_UTLOPT') ?? false;
    }, () => 'the sender never marked LEVETID_UTLOPT');
    expect(Date.now()).toBeGreaterThan(expiresAt.getTime());

    // The receiver fetches it only now: rejected inside the poll, never offered to its case system.
    await b.caseSystem.runJob('dpo-poll');
    expect(await b.caseSystem.receiveAll()).toEqual([]);
    const incoming = (await b.caseSystem.conversations('INCOMING')).find((c) => c.messageId === messageId);
    expect(incoming?.statuses).toEqual(['OPPRETTET', 'LEVETID_UTLOPT']);
    // Confirmed at the broker, so the next poll does not offer it again.
    await b.caseSystem.runJob('dpo-poll');
    expect(await b.caseSystem.receiveAll()).toEqual([]);
    const outgoing = await a.caseSystem.conversation(messageId);
    expect(outgoing?.statuses).toEqual(['OPPRETTET', 'SENDT', 'LEVETID_UTLOPT']);
  }, 60_000);
});
