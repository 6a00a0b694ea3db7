import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/clock/index.js';
import type { KeystoreEntry } from '../../../src/crypto/index.js';
import { businessMessageOf, conversationIdOf, messageIdOf, processOf, receiverOf, senderOf, typeOf, type ServiceIdentifier } from '../../../src/domain/index.js';
import { Inbox, StatusReplies } from '../../../src/engine/inbox/index.js';
import { statusPollJob, syntheticReceipts } from '../../../src/engine/status-poll/index.js';
import type { Store } from '../../../src/store/index.js';
import { cucumberEntry } from '../../crypto/fixtures.js';
import { FakeTransport } from '../fake-transport.js';
import { NOW, openTestStore, OWN, PEER, queueOutgoing, silentLog, statusNames, statusRegistry, type TestStore } from '../support.js';

const signal = new AbortController().signal;

async function pollable(store: Store, service: ServiceIdentifier, type = 'arkivmelding'): Promise<{ messageId: string; conversationId: string }> {
  const { messageId, sbd } = await queueOutgoing(store, { service, type });
  const conversation = await store.findConversationByMessageId(messageId, 'OUTGOING');
  await store.updateConversation(conversation?.id ?? 0, { pollable: true });
  return { messageId, conversationId: conversationIdOf(sbd) ?? '' };
}

describe(syntheticReceipts.name, () => {
  let t: TestStore;
  let ownKey: KeystoreEntry;
  let dpv: FakeTransport;
  let dpf: FakeTransport;
  let job: ReturnType<typeof statusPollJob>;

  beforeAll(async () => { ownKey = await cucumberEntry(OWN); });

  beforeEach(async () => {
    t = await openTestStore();
    dpv = new FakeTransport('DPV');
    dpf = new FakeTransport('DPF');
    const clock = fixedClock(NOW);
    const statuses = statusRegistry(t.store, clock);
    const replies = new StatusReplies({ store: t.store, clock, statusServices: new Set<ServiceIdentifier>(['DPO', 'DPE']), ttlHours: () => 24, onQueued: () => undefined, log: silentLog() });
    const inbox = new Inbox({ store: t.store, clock, statuses, replies, ownKey, maxAsicBytes: 1024 * 1024, log: silentLog() });
    job = statusPollJob({
      store: t.store, clock, statuses, transports: [dpv, dpf], log: silentLog(),
      onStatus: syntheticReceipts({ inbox, clock, ttlHours: () => 24, log: silentLog() }),
    });
  });
  afterEach(async () => { await t.cleanup(); });

  const receipts = async () => (await t.store.listMessages('INCOMING', {}, { page: 0, size: 50, sort: [] })).content;

  it('puts an arkivmelding_kvittering OK in our in-queue when DPV reports an arkivmelding LEVERT', async () => {
    const sent = await pollable(t.store, 'DPV');
    dpv.statusUpdates.set(sent.messageId, [{ status: 'LEVERT' }]);
    await job.run(signal);

    const [receipt, ...more] = await receipts();
    expect(more).toEqual([]);
    expect(receipt).toMatchObject({ serviceIdentifier: 'DPV', state: 'RECEIVED', senderIdentifier: PEER, receiverIdentifier: OWN, conversationId: sent.conversationId });
    const sbd = receipt?.sbd ?? { standardBusinessDocumentHeader: {} as never };
    expect(typeOf(sbd)).toBe('arkivmelding_kvittering');
    expect(processOf(sbd)).toBe('urn:no:difi:profile:arkivmelding:response:ver1.0');
    expect(senderOf(sbd)?.value).toBe(`0192:${PEER}`);
    expect(receiverOf(sbd)?.value).toBe(`0192:${OWN}`);
    expect(businessMessageOf(sbd)).toEqual({ receiptType: 'OK', relatedToMessageId: sent.messageId });
    // The original is LEVERT, not LEST: a made-up receipt says nothing about reading.
    expect(await statusNames(t.store, sent.messageId)).toEqual(['OPPRETTET', 'LEVERT']);
    expect(await statusNames(t.store, messageIdOf(sbd) ?? '', 'INCOMING')).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT']);
  });

  it('does so on SvarUt\'s LEST for DPF, and makes one receipt however often the status is reported', async () => {
    const sent = await pollable(t.store, 'DPF');
    dpf.statusUpdates.set(sent.messageId, [{ status: 'LEST' }, { status: 'LEST' }]);
    await job.run(signal);
    expect((await receipts()).map((m) => [m.serviceIdentifier, businessMessageOf(m.sbd)?.relatedToMessageId])).toEqual([['DPF', sent.messageId]]);
  });

  it('makes none for DPF\'s LEVERT, DPV\'s LEST, or a message that is not an arkivmelding', async () => {
    const viaDpf = await pollable(t.store, 'DPF');
    const viaDpv = await pollable(t.store, 'DPV');
    const avtalt = await pollable(t.store, 'DPV', 'avtalt');
    dpf.statusUpdates.set(viaDpf.messageId, [{ status: 'LEVERT' }]);
    dpv.statusUpdates.set(viaDpv.messageId, [{ status: 'LEST' }]);
    dpv.statusUpdates.set(avtalt.messageId, [{ status: 'LEVERT' }]);
    await job.run(signal);
    expect(await receipts()).toEqual([]);
  });
});
