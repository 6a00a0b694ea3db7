import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, manualClock, type Clock } from '../../../src/clock/index.js';
import { isPollDue, pollIntervalMs, statusPollJob } from '../../../src/engine/status-poll/index.js';
import type { Store } from '../../../src/store/index.js';
import { FakeTransport } from '../fake-transport.js';
import { NOW, openTestStore, queueOutgoing, silentLog, statusNames, statusRegistry, type TestStore } from '../support.js';

const signal = new AbortController().signal;

async function pollable(store: Store, service: 'DPV' | 'DPF' | 'DPO' = 'DPV'): Promise<string> {
  const { messageId } = await queueOutgoing(store, { service });
  const conversation = await store.findConversationByMessageId(messageId, 'OUTGOING');
  await store.updateConversation(conversation?.id ?? 0, { pollable: true });
  return messageId;
}

describe(statusPollJob.name, () => {
  let t: TestStore;
  let dpv: FakeTransport;
  let dpf: FakeTransport;
  const job = (clock: Clock = fixedClock(NOW)) =>
    statusPollJob({ store: t.store, clock, statuses: statusRegistry(t.store, clock), transports: [dpv, dpf, new FakeTransport('DPO')], log: silentLog() });

  beforeEach(async () => {
    t = await openTestStore();
    dpv = new FakeTransport('DPV');
    dpf = new FakeTransport('DPF');
  });

  afterEach(async () => {
    await t.cleanup();
  });

  it('asks each transport about its pollable conversations and registers the answers', async () => {
    const read = await pollable(t.store);
    const quiet = await pollable(t.store);
    await queueOutgoing(t.store, { service: 'DPV' });
    dpv.statusUpdates.set(read, [{ status: 'LEVERT' }, { status: 'LEST', description: 'read by the receiver' }]);

    await job().run(signal);
    expect(dpv.polledStatusFor).toEqual([[read, quiet]]);
    expect(await statusNames(t.store, read)).toEqual(['OPPRETTET', 'LEVERT', 'LEST']);
    expect(await statusNames(t.store, quiet)).toEqual(['OPPRETTET']);
    expect((await t.store.findConversationByMessageId(read, 'OUTGOING'))?.pollable).toBe(false);
  });

  it('stops polling a conversation when the transport says so', async () => {
    const purged = await pollable(t.store);
    dpv.statusUpdates.set(purged, [{ status: 'ANNET', description: 'Melding slettet i Altinn, stopper polling.', keepPolling: false }]);
    await job().run(signal);
    expect(await statusNames(t.store, purged)).toEqual(['OPPRETTET', 'ANNET']);
    expect(await t.store.listPollableConversations('DPV', 0, 10)).toEqual([]);
  });

  it('keeps polling the other services when one transport fails', async () => {
    const viaDpf = await pollable(t.store, 'DPF');
    await pollable(t.store, 'DPV');
    dpv.pollStatus = async () => { throw new Error('correspondence API down'); };
    dpf.statusUpdates.set(viaDpf, [{ status: 'LEST' }]);
    await job().run(signal);
    expect(await statusNames(t.store, viaDpf)).toEqual(['OPPRETTET', 'LEST']);
  });

  it('asks again only when the back-off interval has passed since the last status change', async () => {
    const clock = manualClock(NOW);
    const messageId = await pollable(t.store);
    const polling = job(clock);
    await polling.run(signal);
    clock.advance(10_000);
    await polling.run(signal);
    expect(dpv.polledStatusFor).toEqual([[messageId]]);
    clock.advance(60_000);
    await polling.run(signal);
    expect(dpv.polledStatusFor).toEqual([[messageId], [messageId]]);
  });
});

describe(pollIntervalMs.name, () => {
  it('grows linearly from one minute to one hour at thirty days, and stays there', () => {
    const day = 24 * 3_600_000;
    expect(pollIntervalMs(0)).toBe(60_000);
    expect(pollIntervalMs(15 * day)).toBe(60_000 + 29.5 * 60_000);
    expect(pollIntervalMs(30 * day)).toBe(3_600_000);
    expect(pollIntervalMs(90 * day)).toBe(3_600_000);
  });
});

describe(isPollDue.name, () => {
  const changed = new Date(NOW);
  const at = (ms: number) => new Date(changed.getTime() + ms);

  it('is due on the first run, and when a new interval has begun since the previous run', () => {
    expect(isPollDue(changed, at(5_000), undefined)).toBe(true);
    expect(isPollDue(changed, at(50_000), at(5_000))).toBe(false);
    expect(isPollDue(changed, at(61_000), at(50_000))).toBe(true);
  });
});
