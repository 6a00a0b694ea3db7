import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { startSandboxNetwork, startTrackingCollector, type SandboxNetwork, type TrackingCollector } from '../../src/sandbox/index.js';
import { delay, ReceivingCaseSystem, SendingCaseSystem } from './support/case-systems.js';
import { startDaemonProcess, type EfmProcess } from './support/efm-process.js';
import { allStatuses, AUTHORIZATION, countStatuses, sandboxDaemonSettings, writeSettingsFile, type Settings } from './support/sandbox-daemons.js';

// Issue 6, "collector down for a while during 1 000 messages": the two daemons of the sandbox, each a
// `node dist/main.js start` process, exchange 1 000 DPO messages, case system to case system, while
// the sandbox's tracking collector is stopped for a stretch in the middle and started again on the
// same ports. The sending daemon reports over HTTP
// (acknowledged batches), the receiving one over json_lines TCP, so one flow covers both transports.
// Afterwards the collector must hold one event for every status either daemon shows in
// GET /api/statuses (four per message on the sending side, three on the receiving side): none
// missing, none twice after deduplication by event_id, and over HTTP no acknowledged event sent again.
//
// The messages are avtalt messages without files: every status a message can pass through still
// happens (create, send, broker, receipts, pop, delete), at half the CPU of a message with a file,
// which keeps 1 000 of them to about a minute on a two-core machine.
const MESSAGES = 1000;
/** Case-system calls in flight at once. */
const CONCURRENT_SENDS = 8;
/** The collector goes down once this many messages are accepted, and comes back at the second count. */
const OUTAGE = { from: Math.round(MESSAGES / 4), until: Math.round(MESSAGES * 0.65) };
const FLOW_TIMEOUT_MS = 300_000;
const COLLECTOR_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

describe('central tracking while the collector is down', () => {
  let dir: string;
  let network: SandboxNetwork;
  let collector: TrackingCollector;
  let sender: EfmProcess & { url: string };
  let receiver: EfmProcess & { url: string };
  let senderOrg: string;
  let receiverOrg: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'efm-e2e-tracking-'));
    network = await startSandboxNetwork({ dataDir: join(dir, 'sandbox'), clock: systemClock });
    collector = await startTrackingCollector({ clock: systemClock, host: '127.0.0.1' });
    const [from, to] = network.organisations;
    if (!from || !to) throw new Error('the sandbox has two demo organisations');
    senderOrg = from.orgnr;
    receiverOrg = to.orgnr;
    // Short waits, so the reporters find the collector soon after it is back.
    const reporting: Settings = { 'efm.tracking.enabled': true, 'efm.tracking.batch-delay': '50ms', 'efm.tracking.initial-backoff': '100ms', 'efm.tracking.max-backoff': '1s' };
    await writeSettingsFile(join(dir, 'sender.properties'), sandboxDaemonSettings({
      network, organisation: from, dataDir: join(dir, 'sender'), port: 0,
      extra: { ...reporting, 'efm.tracking.transport': 'http', 'efm.tracking.url': collector.http.url },
    }));
    await writeSettingsFile(join(dir, 'receiver.properties'), sandboxDaemonSettings({
      network, organisation: to, dataDir: join(dir, 'receiver'), port: 0,
      extra: { ...reporting, 'efm.tracking.transport': 'tcp', 'efm.tracking.destination': collector.jsonLines.destination },
    }));
    [sender, receiver] = await Promise.all([
      startDaemonProcess(join(dir, 'sender.properties'), START_TIMEOUT_MS),
      startDaemonProcess(join(dir, 'receiver.properties'), START_TIMEOUT_MS),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([sender?.stop(STOP_TIMEOUT_MS), receiver?.stop(STOP_TIMEOUT_MS)]);
    await collector?.close();
    await network?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('holds every status event of 1 000 messages exactly once, and none acknowledged over HTTP came twice', async () => {
    const sending = new SendingCaseSystem({ baseUrl: () => sender.url, from: senderOrg, to: receiverOrg, withFile: false });
    const receiving = new ReceivingCaseSystem(() => receiver.url);
    receiving.start();
    const outage = runOutage({
      collector, accepted: () => sending.accepted.length, senderUrl: () => sender.url,
      registered: async () => (await countStatuses(sender.url)) + (await countStatuses(receiver.url)),
    });
    let started = 0;
    await Promise.all(Array.from({ length: CONCURRENT_SENDS }, async () => {
      while (started < MESSAGES) {
        started++;
        await sending.sendOne();
      }
    }));
    const seenDuringOutage = await outage;
    await receiving.waitFor(sending.accepted, FLOW_TIMEOUT_MS);
    await receiving.stop();
    // The last status of each message: LEVERT, when the receiver's delivery receipt came back.
    await until(async () => (await countStatuses(sender.url, 'LEVERT')) >= MESSAGES, FLOW_TIMEOUT_MS);

    const expected = [
      ...(await allStatuses(sender.url)).map((s) => keyOf(senderOrg, s.messageId, s.status)),
      ...(await allStatuses(receiver.url)).map((s) => keyOf(receiverOrg, s.messageId, s.status)),
    ];
    const held = () => [...collector.http.stored().map((e) => e.document), ...uniqueDocuments(collector.jsonLines.received())];
    await until(async () => statusEventKeys(held()).length >= expected.length, COLLECTOR_TIMEOUT_MS).catch(() => undefined);

    expect(sending.accepted).toHaveLength(MESSAGES);
    expect(receiving.received.size).toBe(MESSAGES);
    expect([...receiving.received.values()].every((n) => n === 1)).toBe(true);
    expect(seenDuringOutage.trackingDegraded, 'the reporter noticed the collector was gone').toBe(true);
    expect(seenDuringOutage.daemonStatus, 'health stays UP while only tracking is degraded').toBe('UP');
    expect(seenDuringOutage.registeredAtRestart, 'statuses were registered while the collector was down')
      .toBeGreaterThan(seenDuringOutage.registeredAtStop);
    expect(expected.length, 'seven statuses per message, four sending and three receiving').toBeGreaterThanOrEqual(MESSAGES * 7);
    expect(statusEventKeys(held()).sort()).toEqual(expected.sort());
    expect(collector.http.repeatsAfterAck()).toEqual([]);
  }, FLOW_TIMEOUT_MS * 2 + COLLECTOR_TIMEOUT_MS);
});

interface OutageObservations {
  /** Statuses the two daemons had registered when the collector stopped, and when it started again. */
  registeredAtStop: number;
  registeredAtRestart: number;
  /** Whether the sending daemon's health showed tracking DEGRADED during the outage. */
  trackingDegraded: boolean;
  /** The sending daemon's overall health status during the outage. */
  daemonStatus: string | undefined;
}

interface OutageSubject {
  collector: TrackingCollector;
  accepted(): number;
  registered(): Promise<number>;
  senderUrl(): string;
}

/** Stops both collector inputs once OUTAGE.from messages are accepted and restarts them at OUTAGE.until. */
async function runOutage(o: OutageSubject): Promise<OutageObservations> {
  await until(async () => o.accepted() >= OUTAGE.from, FLOW_TIMEOUT_MS);
  await Promise.all([o.collector.http.stop(), o.collector.jsonLines.stop()]);
  const registeredAtStop = await o.registered();
  let trackingDegraded = false;
  let daemonStatus: string | undefined;
  while (o.accepted() < OUTAGE.until) {
    const health = await healthOf(o.senderUrl());
    daemonStatus = health.status;
    trackingDegraded ||= health.components?.tracking?.status === 'DEGRADED';
    await delay(200);
  }
  const registeredAtRestart = await o.registered();
  await Promise.all([o.collector.http.restart(), o.collector.jsonLines.restart()]);
  return { registeredAtStop, registeredAtRestart, trackingDegraded, daemonStatus };
}

interface Health {
  status: string;
  components?: Record<string, { status: string }>;
}

async function healthOf(baseUrl: string): Promise<Health> {
  const response = await fetch(`${baseUrl}/manage/health`, { headers: { authorization: AUTHORIZATION } });
  return (await response.json()) as Health;
}

function keyOf(orgnr: unknown, messageId: unknown, status: unknown): string {
  return `${String(orgnr)} ${String(messageId)} ${String(status)}`;
}

/** The STATUS events among collected documents, as "orgnr messageId status". */
function statusEventKeys(documents: readonly (Record<string, unknown> | undefined)[]): string[] {
  return documents.filter((d): d is Record<string, unknown> => d?.logger_name === 'STATUS')
    .map((d) => keyOf(d.orgnr, d.message_id, d.status));
}

/** json_lines delivery is at least once: one document per event id. */
function uniqueDocuments(lines: readonly { eventId?: string; document?: Record<string, unknown> }[]): (Record<string, unknown> | undefined)[] {
  const byId = new Map<string, Record<string, unknown> | undefined>();
  for (const line of lines) if (line.eventId !== undefined && !byId.has(line.eventId)) byId.set(line.eventId, line.document);
  return [...byId.values()];
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await delay(200);
  }
}
