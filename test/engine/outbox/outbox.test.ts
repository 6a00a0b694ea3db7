import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixedClock, manualClock, type Clock } from '../../../src/clock/index.js';
import type { ServiceIdentifier } from '../../../src/domain/index.js';
import { Outbox, type OutboxOptions } from '../../../src/engine/outbox/index.js';
import type { StatusChange, Store } from '../../../src/store/index.js';
import { PermanentSendError } from '../../../src/transports/index.js';
import { FakeTransport, gate } from '../fake-transport.js';
import {
  buildSbd, NOW, openTestStore, OWN, PEER, queueOutgoing, silentLog, statusNames, statusRegistry, type TestStore,
} from '../support.js';

const QUICK_RETRY = { maxAttempts: 4, initialBackoffMs: 20, backoffMultiplier: 2, maxBackoffMs: 100 };

describe(Outbox.name, () => {
  let t: TestStore;
  let transport: FakeTransport;
  const outboxes: Outbox[] = [];
  const recorded: StatusChange[] = [];

  const makeOutbox = (o: Partial<OutboxOptions> & { clock?: Clock; store?: Store } = {}): Outbox => {
    const clock = o.clock ?? fixedClock(NOW);
    const store = o.store ?? t.store;
    const outbox = new Outbox({
      store, clock, statuses: statusRegistry(store, clock, recorded),
      transports: new Map<ServiceIdentifier, FakeTransport>([['DPO', transport]]),
      resolveRecord: async () => undefined,
      log: silentLog(),
      ...o,
      settings: { retry: QUICK_RETRY, ...o.settings },
    });
    outboxes.push(outbox);
    return outbox;
  };

  beforeEach(async () => {
    t = await openTestStore();
    transport = new FakeTransport();
    recorded.length = 0;
  });

  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((o) => o.stop()));
    await t.cleanup();
  });

  it('sends a queued message with its files, registers SENDT and deletes the message', async () => {
    const { messageId } = await queueOutgoing(t.store, { files: [{ filename: 'arkivmelding.xml', content: '<a/>' }, { filename: 'b.txt', content: 'bee' }] });
    const record = { organisationNumber: PEER } as never;
    await makeOutbox({ resolveRecord: async (m) => (m.messageId === messageId ? record : undefined) }).drain();

    expect(transport.sent).toEqual([expect.objectContaining({ messageId, files: [{ filename: 'arkivmelding.xml', content: '<a/>' }, { filename: 'b.txt', content: 'bee' }], record })]);
    expect(await statusNames(t.store, messageId)).toEqual(['OPPRETTET', 'SENDT']);
    expect(await t.store.findMessage('OUTGOING', messageId)).toBeUndefined();
    expect(await t.store.listFiles('OUTGOING', messageId)).toEqual([]);
    expect(recorded.map((c) => c.status.status)).toEqual(['SENDT']);
  });

  it('is woken by the send itself: no drain, no job, a fixed clock', async () => {
    const outbox = makeOutbox();
    outbox.start();
    const { messageId } = await queueOutgoing(t.store);
    outbox.wake();
    await vi.waitFor(async () => expect(await statusNames(t.store, messageId)).toContain('SENDT'));
  });

  it('sends at start what a previous run left queued', async () => {
    const { messageId } = await queueOutgoing(t.store);
    makeOutbox().start();
    await vi.waitFor(async () => expect(await statusNames(t.store, messageId)).toContain('SENDT'));
  });

  it('registers what the transport reports: its statuses, the external reference and polling', async () => {
    transport.result = { statuses: [{ status: 'SENDT' }, { status: 'LEVERT', description: 'SvarUt guarantees delivery' }], externalSystemReference: 'ext-1', startPolling: true };
    const { messageId } = await queueOutgoing(t.store);
    await makeOutbox().drain();
    expect(await statusNames(t.store, messageId)).toEqual(['OPPRETTET', 'SENDT', 'LEVERT']);
    expect(await t.store.findConversationByMessageId(messageId, 'OUTGOING')).toMatchObject({ externalSystemReference: 'ext-1', pollable: true, finished: true });
  });

  it('retries a failing send after its backoff and then succeeds', async () => {
    const clock = manualClock(NOW);
    transport.failNext(new Error('broker 503'));
    const { messageId } = await queueOutgoing(t.store);
    const outbox = makeOutbox({ clock, settings: { retry: { maxAttempts: 4, initialBackoffMs: 20_000, backoffMultiplier: 3, maxBackoffMs: 3_600_000 } } });
    await outbox.drain();
    expect(transport.attempts).toEqual([messageId]);
    expect(await statusNames(t.store, messageId)).toEqual(['OPPRETTET']);

    clock.advance(19_000);
    await outbox.drain();
    expect(transport.attempts).toHaveLength(1);

    // The retry time counts from when the attempt failed, a few real milliseconds after the clock's now.
    clock.advance(2_000);
    await outbox.drain();
    expect(transport.attempts).toEqual([messageId, messageId]);
    expect(await statusNames(t.store, messageId)).toEqual(['OPPRETTET', 'SENDT']);
  });

  it('retries under a fixed clock, which never moves, without a drain', async () => {
    transport.failNext(new Error('broker 503'), new Error('broker 503'));
    const outbox = makeOutbox({ clock: fixedClock(NOW) });
    outbox.start();
    const { messageId } = await queueOutgoing(t.store);
    outbox.wake();
    await vi.waitFor(async () => expect(await statusNames(t.store, messageId)).toContain('SENDT'), { timeout: 5_000 });
    expect(transport.attempts).toEqual([messageId, messageId, messageId]);
  });

  it('gives FEIL at once, with the reason, for a PermanentSendError', async () => {
    transport.failNext(new PermanentSendError('receiver certificate is revoked', { rawReceipt: '{"status":400}' }));
    const { messageId } = await queueOutgoing(t.store);
    await makeOutbox().drain();
    expect(transport.attempts).toHaveLength(1);
    const conversation = await t.store.findConversationByMessageId(messageId, 'OUTGOING');
    const statuses = (await t.store.statusesOf([conversation?.id ?? 0])).get(conversation?.id ?? 0);
    expect(statuses?.at(-1)).toMatchObject({ status: 'FEIL', description: 'receiver certificate is revoked', rawReceipt: '{"status":400}' });
    expect(await t.store.findMessage('OUTGOING', messageId)).toBeUndefined();
  });

  it('gives FEIL when the last attempt fails', async () => {
    const clock = manualClock(NOW);
    transport.failNext(new Error('one'), new Error('two'), new Error('three'));
    const { messageId } = await queueOutgoing(t.store);
    const outbox = makeOutbox({ clock, settings: { retry: { maxAttempts: 3, initialBackoffMs: 1_000, backoffMultiplier: 1, maxBackoffMs: 1_000 } } });
    for (let i = 0; i < 3; i++) {
      await outbox.drain();
      clock.advance(2_000);
    }
    expect(transport.attempts).toHaveLength(3);
    const conversation = await t.store.findConversationByMessageId(messageId, 'OUTGOING');
    expect(conversation?.finished).toBe(true);
    const statuses = (await t.store.statusesOf([conversation?.id ?? 0])).get(conversation?.id ?? 0);
    expect(statuses?.at(-1)).toMatchObject({ status: 'FEIL', description: `Request to receiver '${PEER}' failed delivery over DPO`, rawReceipt: 'three' });
    expect(await t.store.findMessage('OUTGOING', messageId)).toBeUndefined();
  });

  it('gives LEVETID_UTLOPT instead of sending a message whose time has passed', async () => {
    const { messageId } = await queueOutgoing(t.store, { expectedResponseDateTime: '2019-03-25T12:00:00+01:00' });
    await makeOutbox().drain();
    expect(transport.attempts).toEqual([]);
    const conversation = await t.store.findConversationByMessageId(messageId, 'OUTGOING');
    const statuses = (await t.store.statusesOf([conversation?.id ?? 0])).get(conversation?.id ?? 0);
    expect(statuses?.map((s) => [s.status, s.description])).toEqual([
      ['OPPRETTET', undefined], ['LEVETID_UTLOPT', 'Levetiden for meldingen er utgått. Må sendes på nytt'],
    ]);
    expect(await t.store.findMessage('OUTGOING', messageId)).toBeUndefined();
  });

  it('after a crash, the same owner resends at once with the transport state saved before the crash', async () => {
    const { messageId } = await queueOutgoing(t.store);
    const [claimed] = await t.store.claimOutbox({ owner: 'daemon-1', now: new Date(NOW), leaseMs: 3_600_000, limit: 1, services: ['DPO'] });
    await t.store.saveOutboxState(claimed?.ref ?? expect.fail('nothing claimed'), 'daemon-1', { fileTransferId: 'ft-1' });

    await makeOutbox({ owner: 'daemon-1' }).drain();
    expect(transport.sent).toEqual([expect.objectContaining({ messageId, state: { fileTransferId: 'ft-1' } })]);
    expect(await statusNames(t.store, messageId)).toEqual(['OPPRETTET', 'SENDT']);
  });

  it('after a crash, another worker resends once the dead worker\'s lease has run out', async () => {
    const clock = manualClock(NOW);
    const { messageId } = await queueOutgoing(t.store);
    await t.store.claimOutbox({ owner: 'dead', now: new Date(NOW), leaseMs: 60_000, limit: 1, services: ['DPO'] });
    const outbox = makeOutbox({ clock, settings: { leaseMs: 60_000 } });
    await outbox.drain();
    expect(transport.attempts).toEqual([]);
    clock.advance(60_000);
    await outbox.drain();
    expect(transport.sent.map((s) => s.messageId)).toEqual([messageId]);
  });

  it('keeps to its concurrency bound and still sends everything', async () => {
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push((await queueOutgoing(t.store)).messageId);
    const slow = async () => new Promise<void>((resolve) => setTimeout(resolve, 10));
    transport.failNext(...ids.map(() => slow));
    await makeOutbox({ settings: { concurrency: 3 } }).drain();
    expect(transport.maxRunning).toBe(3);
    expect(transport.sent.map((s) => s.messageId).sort()).toEqual([...ids].sort());
  });

  it('two outboxes on two connections to one database never send a message twice', async () => {
    const other = await t.openAnother();
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push((await queueOutgoing(t.store)).messageId);
    const slow = async () => new Promise<void>((resolve) => setTimeout(resolve, 2));
    transport.failNext(...ids.map(() => slow));
    const a = makeOutbox({ settings: { concurrency: 4 } });
    const b = makeOutbox({ store: other, settings: { concurrency: 4 } });
    await Promise.all([a.drain(), b.drain()]);
    expect(transport.attempts.slice().sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await statusNames(t.store, id)).toEqual(['OPPRETTET', 'SENDT']);
  });

  it('sends a status message back without registering anything, and a status SBD message without SENDT', async () => {
    const original = buildSbd({ sender: PEER, receiver: OWN });
    const messageId = original.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier ?? '';
    await t.store.queueStatusMessage({
      messageId, conversationId: 'c1', serviceIdentifier: 'DPO', processIdentifier: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
      documentType: 'urn:no:difi:eformidling:xsd::status', senderIdentifier: OWN, receiverIdentifier: PEER,
      sbd: buildSbd({ messageId, type: 'status', standard: 'urn:no:difi:eformidling:xsd::status', business: { status: 'MOTTATT' } }), status: 'MOTTATT',
    }, new Date(NOW));
    const viaApi = await queueOutgoing(t.store, { type: 'status', standard: 'urn:no:difi:eformidling:xsd::status', business: { status: 'LEVERT' }, files: [] });

    await makeOutbox().drain();
    expect(transport.sent.map((s) => [s.messageId, s.type])).toEqual(expect.arrayContaining([[messageId, 'status'], [viaApi.messageId, 'status']]));
    expect(await t.store.findConversationByMessageId(messageId)).toBeUndefined();
    expect(await statusNames(t.store, viaApi.messageId)).toEqual(['OPPRETTET']);
    expect(await t.store.claimOutbox({ owner: 'x', now: new Date('2030-01-01T00:00:00Z'), leaseMs: 1, limit: 10, services: ['DPO'] })).toEqual([]);
  });

  it('drops a status message after its own retries without touching any conversation', async () => {
    const clock = manualClock(NOW);
    transport.failNext(new Error('a'), new Error('b'));
    await t.store.queueStatusMessage({
      messageId: 'm-1', conversationId: 'c1', serviceIdentifier: 'DPO', processIdentifier: 'p', documentType: 'urn:no:difi:eformidling:xsd::status',
      senderIdentifier: OWN, receiverIdentifier: PEER, sbd: buildSbd({ messageId: 'm-1', type: 'status', business: { status: 'MOTTATT' } }), status: 'MOTTATT',
    }, new Date(NOW));
    const outbox = makeOutbox({ clock, settings: { statusRetry: { maxAttempts: 2, initialBackoffMs: 1_000, backoffMultiplier: 1, maxBackoffMs: 1_000 } } });
    await outbox.drain();
    clock.advance(2_000);
    await outbox.drain();
    expect(transport.attempts).toEqual(['m-1', 'm-1']);
    expect(recorded).toEqual([]);
    expect(await t.store.nextOutboxDueAt(['DPO'])).toBeUndefined();
  });

  it('leaves messages of services it has no transport for', async () => {
    const { messageId } = await queueOutgoing(t.store, { service: 'DPV' });
    await makeOutbox().drain();
    expect(transport.attempts).toEqual([]);
    expect((await t.store.findMessage('OUTGOING', messageId))?.state).toBe('QUEUED');
  });

  it('stop waits for the send in flight and records it', async () => {
    const g = gate();
    transport.failNext(g.step);
    const outbox = makeOutbox();
    outbox.start();
    const { messageId } = await queueOutgoing(t.store);
    outbox.wake();
    await g.started;
    const stopped = outbox.stop();
    g.release();
    await stopped;
    expect(await statusNames(t.store, messageId)).toEqual(['OPPRETTET', 'SENDT']);
  });

  it('stop with a deadline aborts a hanging send, which is retried later', async () => {
    transport.failNext(async (_message, context) => {
      await new Promise<void>((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    const outbox = makeOutbox();
    outbox.start();
    const { messageId } = await queueOutgoing(t.store);
    outbox.wake();
    await vi.waitFor(() => expect(transport.running).toBe(1));
    await outbox.stop({ abortAfterMs: 10 });
    expect((await t.store.findMessage('OUTGOING', messageId))?.state).toBe('QUEUED');
    const [entry] = await t.store.claimOutbox({ owner: 'x', now: new Date('2030-01-01T00:00:00Z'), leaseMs: 1, limit: 1, services: ['DPO'] });
    expect(entry?.attempts).toBe(1);
  });

  it('a send whose lease was taken over stops at saveState and is not counted as failed', async () => {
    const { messageId } = await queueOutgoing(t.store);
    transport.failNext(async (message, context) => {
      // Another worker, its clock a minute ahead, takes the message over while this one sends.
      await t.store.claimOutbox({ owner: 'thief', now: new Date(new Date(NOW).getTime() + 61_000), leaseMs: 30_000, limit: 1, services: ['DPO'] });
      await context.saveState({ fileTransferId: 'ft' });
      expect.fail(`saveState let ${message.message.messageId} through`);
    });
    await makeOutbox().drain();
    expect(transport.sent).toEqual([]);
    expect(await statusNames(t.store, messageId)).toEqual(['OPPRETTET']);
    const [entry] = await t.store.claimOutbox({ owner: 'later', now: new Date('2031-01-01T00:00:00Z'), leaseMs: 1, limit: 1, services: ['DPO'] });
    expect(entry).toMatchObject({ attempts: 0, transportState: {} });
  });
});
