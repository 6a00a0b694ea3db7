import { describe, expect, it } from 'vitest';
import type { NewMessage, NewStatusMessage, OutboxClaim, OutboxEntry } from '../../../src/store/index.js';
import { at, buildMessage, bytesStream, conversationFor, opprettet, pageOf, T0 } from '../builders.js';
import type { StoreHarness } from '../contract.js';

const LEASE_MS = 60_000;

export function outboxContract(h: StoreHarness): void {
  const claim = (overrides: Partial<OutboxClaim> = {}): Promise<OutboxEntry[]> =>
    h.store.claimOutbox({ owner: 'worker-a', now: T0, leaseMs: LEASE_MS, limit: 10, services: ['DPO'], ...overrides });

  const queued = async (overrides: Parameters<typeof buildMessage>[0] = {}): Promise<NewMessage> => {
    const message: NewMessage = { ...buildMessage(overrides), state: 'QUEUED' };
    await h.store.createMessage(message, conversationFor(message), [opprettet()]);
    return message;
  };

  const statusMessage = (status: 'MOTTATT' | 'LEVERT', messageId = 'a1b2c3d4-0000-4000-8000-000000000001'): NewStatusMessage => {
    const original = buildMessage({ messageId, conversationId: 'c0c0c0c0-0000-4000-8000-000000000001', senderIdentifier: '910075918', receiverIdentifier: '910077473' });
    return {
      messageId, conversationId: original.conversationId, serviceIdentifier: 'DPO',
      processIdentifier: 'urn:no:difi:profile:arkivmelding:response:ver1.0', documentType: 'urn:no:difi:eformidling:xsd::status',
      senderIdentifier: '910077473', receiverIdentifier: '910075918', sbd: original.sbd, expiry: at(60), status,
    };
  };

  const only = (entries: OutboxEntry[]): OutboxEntry => {
    expect(entries).toHaveLength(1);
    return entries[0] ?? expect.fail('no entry');
  };

  describe('outbox', () => {
    it('claimOutbox leases QUEUED outgoing messages of the given services only, and only once', async () => {
      const message = await queued();
      const draft = buildMessage();
      await h.store.createMessage(draft, conversationFor(draft), [opprettet()]);
      const incoming = buildMessage({ direction: 'INCOMING' });
      await h.store.createMessage(incoming, conversationFor(incoming), [opprettet()]);
      await queued({ serviceIdentifier: 'DPV' });

      const entry = only(await claim());
      expect(entry).toEqual({
        ref: { kind: 'message', id: expect.any(Number), messageId: message.messageId },
        message: { ...message, lockedUntil: undefined, createdAt: T0, lastUpdated: T0 },
        attempts: 0,
        transportState: {},
      });
      expect(await claim({ owner: 'worker-b', now: at(0.5) })).toEqual([]);
    });

    it('a lease that has run out, or lies beyond two lease periods ahead, is free to claim again', async () => {
      const message = await queued();
      await claim({ now: at(10) });
      expect(await claim({ owner: 'worker-b', now: at(10.5) })).toEqual([]);
      expect(only(await claim({ owner: 'worker-b', now: at(11) })).ref.messageId).toBe(message.messageId);
      // The clock was set back an hour: worker-b's lease now seems to last 61 minutes.
      expect(only(await claim({ owner: 'worker-c', now: at(-49) })).ref.messageId).toBe(message.messageId);
    });

    it('renewOutboxLeases extends every lease of the owner', async () => {
      await queued();
      await claim();
      await h.store.renewOutboxLeases('worker-a', at(5));
      expect(await claim({ owner: 'worker-b', now: at(4) })).toEqual([]);
      expect(await claim({ owner: 'worker-b', now: at(5) })).toHaveLength(1);
    });

    it('retryOutbox counts the attempt, frees the lease and holds the entry until its next attempt', async () => {
      await queued();
      const entry = only(await claim());
      expect(await h.store.retryOutbox(entry.ref, 'worker-b', { error: 'not mine', nextAttemptAt: at(1) })).toBe(false);
      expect(await h.store.retryOutbox(entry.ref, 'worker-a', { error: 'broker down', nextAttemptAt: at(3) })).toBe(true);
      expect(await h.store.nextOutboxDueAt(['DPO'])).toEqual(at(3));
      expect(await claim({ now: at(2) })).toEqual([]);
      expect(only(await claim({ owner: 'worker-b', now: at(3) })).attempts).toBe(1);
    });

    it('saveOutboxState keeps the transport state for later attempts, only while the lease is held', async () => {
      await queued();
      const entry = only(await claim());
      expect(await h.store.saveOutboxState(entry.ref, 'worker-b', { fileTransferId: 'stolen' })).toBe(false);
      expect(await h.store.saveOutboxState(entry.ref, 'worker-a', { fileTransferId: 'ft-1' })).toBe(true);
      await h.store.retryOutbox(entry.ref, 'worker-a', { error: 'x', nextAttemptAt: T0 });
      expect(only(await claim({ owner: 'worker-b' })).transportState).toEqual({ fileTransferId: 'ft-1' });
    });

    it('finishOutbox notes the outcome, registers the statuses and deletes the message and its files', async () => {
      const message = await queued();
      await h.store.addFile('OUTGOING', message.messageId, { filename: 'a.pdf', mimetype: 'application/pdf', primaryDocument: true }, bytesStream('pdf'), { maxBytes: 100 });
      const entry = only(await claim());
      const changes = await h.store.finishOutbox(entry.ref, {
        statuses: [{ status: 'SENDT', at: at(1) }, { status: 'LEVERT', at: at(1) }, { status: 'LEST', at: at(1) }],
        conversation: { externalSystemReference: 'ref-1', pollable: true },
      }, { enqueue: true });
      expect(changes.map((c) => c.status.status)).toEqual(['SENDT', 'LEVERT', 'LEST']);
      const conversation = await h.store.findConversationByMessageId(message.messageId, 'OUTGOING');
      // LEST came after the outcome, so polling is off again.
      expect(conversation).toMatchObject({ externalSystemReference: 'ref-1', pollable: false, finished: true, lastUpdate: at(1) });
      expect(await h.store.findMessage('OUTGOING', message.messageId)).toBeUndefined();
      expect(await h.store.listFiles('OUTGOING', message.messageId)).toEqual([]);
      expect((await h.store.peekStatusQueue())?.status).toBe('SENDT');
      expect(await h.store.finishOutbox(entry.ref, { statuses: [{ status: 'FEIL', at: at(2) }] })).toEqual([]);
      expect(await h.store.nextOutboxDueAt(['DPO'])).toBeUndefined();
    });

    it('finishOutbox sets pollable when no status stops it', async () => {
      const message = await queued();
      const entry = only(await claim());
      await h.store.finishOutbox(entry.ref, { statuses: [{ status: 'SENDT', at: at(1) }], conversation: { pollable: true } });
      expect(await h.store.findConversationByMessageId(message.messageId, 'OUTGOING')).toMatchObject({ pollable: true, finished: false });
      expect((await h.store.listPollableConversations('DPO', 0, 10)).map((c) => c.messageId)).toEqual([message.messageId]);
    });

    it('queueStatusMessage holds MOTTATT and LEVERT for one messageId side by side, each once', async () => {
      expect(await h.store.queueStatusMessage(statusMessage('MOTTATT'), T0)).toBe(true);
      expect(await h.store.queueStatusMessage(statusMessage('MOTTATT'), at(1))).toBe(false);
      expect(await h.store.queueStatusMessage(statusMessage('LEVERT'), at(2))).toBe(true);
      const entries = await claim();
      expect(entries.map((e) => [e.ref.kind, e.message.sbd])).toEqual([['status', statusMessage('MOTTATT').sbd], ['status', statusMessage('LEVERT').sbd]]);
      const [first] = entries;
      expect(first?.message).toMatchObject({
        messageId: statusMessage('MOTTATT').messageId, direction: 'OUTGOING', state: 'QUEUED', serviceIdentifier: 'DPO',
        documentType: 'urn:no:difi:eformidling:xsd::status', receiverIdentifier: '910075918', expiry: at(60), createdAt: T0,
      });
      expect(await h.store.finishOutbox(first?.ref ?? expect.fail('no entry'), { statuses: [] })).toEqual([]);
      expect(await claim({ owner: 'worker-b', now: at(0.5) })).toEqual([]);
      expect(await h.store.queueStatusMessage(statusMessage('MOTTATT'), at(3))).toBe(true);
    });

    it('status messages and messages share a claim so that neither starves the other', async () => {
      for (let i = 0; i < 3; i++) await queued();
      for (let i = 0; i < 3; i++) await h.store.queueStatusMessage(statusMessage('MOTTATT', `a1b2c3d4-0000-4000-8000-00000000000${i}`), T0);
      expect((await claim({ limit: 2 })).map((e) => e.ref.kind)).toEqual(['status', 'message']);
      expect((await claim({ limit: 3 })).map((e) => e.ref.kind)).toEqual(['status', 'status', 'message']);
      expect((await claim({ limit: 3 })).map((e) => e.ref.kind)).toEqual(['message']);
    });

    it('nextOutboxDueAt is the earliest retry or lease end of the given services', async () => {
      expect(await h.store.nextOutboxDueAt(['DPO'])).toBeUndefined();
      await queued();
      expect(await h.store.nextOutboxDueAt(['DPO'])).toEqual(new Date(0));
      await claim();
      expect(await h.store.nextOutboxDueAt(['DPO'])).toEqual(new Date(T0.getTime() + LEASE_MS));
      expect(await h.store.nextOutboxDueAt(['DPV'])).toBeUndefined();
    });

    it('listExpiredConversations lists unfinished conversations past their expiry, by id after a cursor', async () => {
      const expired = [buildMessage(), buildMessage({ direction: 'INCOMING' })];
      for (const m of expired) await h.store.createMessage({ ...m, expiry: at(5) }, conversationFor(m, { expiry: at(5) }), [opprettet()]);
      const future = buildMessage();
      await h.store.createMessage(future, conversationFor(future, { expiry: at(60) }), [opprettet()]);
      const finished = buildMessage();
      await h.store.createMessage(finished, conversationFor(finished, { expiry: at(5) }), [opprettet(), { status: 'LEVERT', at: T0 }]);

      const found = await h.store.listExpiredConversations(at(10), 0, 10);
      expect(found.map((c) => c.messageId)).toEqual(expired.map((m) => m.messageId));
      expect((await h.store.listExpiredConversations(at(10), found[0]?.id ?? 0, 10)).map((c) => c.messageId)).toEqual([expired[1]?.messageId]);
      expect(await h.store.listExpiredConversations(at(5), 0, 10)).toEqual([]);
      expect((await h.store.listExpiredConversations(at(10), 0, 1))).toHaveLength(1);
    });

    it('listPollableConversations lists OUTGOING pollable conversations of one service', async () => {
      const dpv = buildMessage({ serviceIdentifier: 'DPV' });
      const other = buildMessage({ serviceIdentifier: 'DPF' });
      const [a] = await h.store.createMessage(dpv, conversationFor(dpv, { pollable: true }), [opprettet()]);
      await h.store.createMessage(other, conversationFor(other, { pollable: true }), [opprettet()]);
      const quiet = buildMessage({ serviceIdentifier: 'DPV' });
      await h.store.createMessage(quiet, conversationFor(quiet), [opprettet()]);
      expect(await h.store.listPollableConversations('DPV', 0, 10)).toEqual([a?.conversation]);
      expect(await h.store.listPollableConversations('DPV', a?.conversation.id ?? 0, 10)).toEqual([]);
      expect((await h.store.listConversations({ pollable: true }, pageOf())).totalElements).toBe(2);
    });
  });
}
