import { describe, expect, it } from 'vitest';
import { MessageAlreadyExistsError, ValidationError } from '../../../src/domain/index.js';
import type { NewMessage } from '../../../src/store/index.js';
import { at, buildMessage, conversationFor, opprettet, pageOf, T0 } from '../builders.js';
import type { StoreHarness } from '../contract.js';

export function messageContract(h: StoreHarness): void {
  const create = (message: NewMessage, when = T0) => h.store.createMessage(message, conversationFor(message), [opprettet(when)]);

  describe('messages', () => {
    it('ping resolves on an open store', async () => {
      await expect(h.store.ping()).resolves.toBeUndefined();
    });

    it('createMessage stores the message, its conversation and first status, and returns the change', async () => {
      const message = buildMessage();
      const changes = await create(message, at(5));
      expect(changes).toHaveLength(1);
      const [change] = changes;
      expect(change?.status).toMatchObject({ status: 'OPPRETTET', messageId: message.messageId, conversationId: message.conversationId });
      expect(change?.status.lastUpdate).toEqual(at(5));
      expect(change?.conversation).toMatchObject({ messageId: message.messageId, direction: 'OUTGOING', finished: false, pollable: false });
      expect(change?.conversation.lastUpdate).toEqual(at(5));

      const found = await h.store.findMessage('OUTGOING', message.messageId);
      expect(found).toEqual({ ...message, createdAt: at(5), lastUpdated: at(5) });
      const conversation = await h.store.findConversationByMessageId(message.messageId, 'OUTGOING');
      expect(conversation).toEqual(change?.conversation);
    });

    it('createMessage keeps unknown SBD members as they were', async () => {
      const message = buildMessage();
      await create(message);
      const found = await h.store.findMessage('OUTGOING', message.messageId);
      expect(found?.sbd.standardBusinessDocumentHeader['unknownHeaderMember']).toEqual({ kept: true });
      expect(found?.sbd).toEqual(message.sbd);
    });

    it('createMessage registers several first statuses in order and applies their effects', async () => {
      const message = buildMessage({ direction: 'INCOMING' });
      const changes = await h.store.createMessage(message, conversationFor(message), [opprettet(at(1)), { status: 'INNKOMMENDE_MOTTATT', at: at(2) }]);
      expect(changes.map((c) => c.status.status)).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT']);
      expect(changes[1]?.conversation.lastUpdate).toEqual(at(2));
      expect(changes[0]?.status.id).toBeLessThan(changes[1]?.status.id ?? 0);
    });

    it('createMessage puts its statuses on the status queue and the webhook outbox as asked', async () => {
      const queued = buildMessage();
      const [change] = await h.store.createMessage(queued, conversationFor(queued), [opprettet()], { enqueue: true });
      expect((await h.store.peekStatusQueue())?.id).toBe(change?.status.id);
      expect(await h.store.pendingWebhookEvents(10)).toHaveLength(1);

      const silent = buildMessage();
      await h.store.createMessage(silent, conversationFor(silent), [opprettet()], { webhookEvent: false });
      expect(await h.store.pendingWebhookEvents(10)).toHaveLength(1);
    });

    it('createMessage rejects a messageId that exists in the same direction and changes nothing', async () => {
      const message = buildMessage();
      await create(message);
      await expect(create({ ...message, state: 'QUEUED' }, at(1))).rejects.toBeInstanceOf(MessageAlreadyExistsError);
      expect((await h.store.findMessage('OUTGOING', message.messageId))?.state).toBe('DRAFT');
      expect((await h.store.listStatuses({ messageId: message.messageId }, pageOf())).totalElements).toBe(1);
    });

    it('createMessage reuses the conversation a deleted message left behind, registering only new statuses', async () => {
      const message = buildMessage();
      const [first] = await create(message);
      expect(await h.store.deleteMessage('OUTGOING', message.messageId)).toBe(true);
      const changes = await h.store.createMessage(message, conversationFor(message, { messageTitle: 'ignored' }), [opprettet(at(1)), { status: 'SENDT', at: at(2) }]);
      expect(changes.map((c) => c.status.status)).toEqual(['SENDT']);
      expect(changes[0]?.conversation).toMatchObject({ id: first?.conversation.id, lastUpdate: at(2) });
      expect(changes[0]?.conversation.messageTitle).toBeUndefined();
      expect((await h.store.findMessage('OUTGOING', message.messageId))?.createdAt).toEqual(at(1));
      expect((await h.store.listConversations({ messageId: message.messageId }, pageOf())).totalElements).toBe(1);
    });

    it('createMessage accepts the same messageId in the other direction', async () => {
      const outgoing = buildMessage();
      await create(outgoing);
      const incoming = buildMessage({ direction: 'INCOMING', messageId: outgoing.messageId, conversationId: outgoing.conversationId });
      await create(incoming);
      expect((await h.store.findMessage('INCOMING', outgoing.messageId))?.state).toBe('RECEIVED');
      expect((await h.store.findMessage('OUTGOING', outgoing.messageId))?.state).toBe('DRAFT');
    });

    it('createMessage refuses a call without statuses or with a mismatched conversation', async () => {
      const message = buildMessage();
      await expect(h.store.createMessage(message, conversationFor(message), [])).rejects.toBeInstanceOf(TypeError);
      await expect(h.store.createMessage(message, conversationFor(buildMessage()), [opprettet()])).rejects.toBeInstanceOf(TypeError);
      expect(await h.store.findMessage('OUTGOING', message.messageId)).toBeUndefined();
    });

    it('findMessage returns undefined for an unknown message or the wrong direction', async () => {
      const message = buildMessage();
      await create(message);
      expect(await h.store.findMessage('INCOMING', message.messageId)).toBeUndefined();
      expect(await h.store.findMessage('OUTGOING', 'no-such-id')).toBeUndefined();
    });

    it('listMessages filters by every member, within one direction', async () => {
      const a = buildMessage({ processIdentifier: 'urn:p:a', receiverIdentifier: '111111111', serviceIdentifier: 'DPV' });
      const b = buildMessage({ senderIdentifier: '222222222' });
      const incoming = buildMessage({ direction: 'INCOMING', conversationId: a.conversationId });
      for (const m of [a, b, incoming]) await create(m);
      const ids = async (filter: Parameters<typeof h.store.listMessages>[1], direction: 'OUTGOING' | 'INCOMING' = 'OUTGOING') =>
        (await h.store.listMessages(direction, filter, pageOf())).content.map((m) => m.messageId).sort();

      expect(await ids({})).toEqual([a.messageId, b.messageId].sort());
      expect(await ids({}, 'INCOMING')).toEqual([incoming.messageId]);
      expect(await ids({ messageId: b.messageId })).toEqual([b.messageId]);
      expect(await ids({ conversationId: a.conversationId })).toEqual([a.messageId]);
      expect(await ids({ processIdentifier: 'urn:p:a' })).toEqual([a.messageId]);
      expect(await ids({ receiverIdentifier: '111111111' })).toEqual([a.messageId]);
      expect(await ids({ senderIdentifier: '222222222' })).toEqual([b.messageId]);
      expect(await ids({ serviceIdentifier: 'DPV' })).toEqual([a.messageId]);
      expect(await ids({ serviceIdentifier: 'DPI' })).toEqual([]);
    });

    it('listMessages pages and sorts by entity property names', async () => {
      const messages = [buildMessage(), buildMessage(), buildMessage()];
      for (const [i, m] of messages.entries()) await create(m, at(10 - i));
      const newestFirst = [...messages].reverse().map((m) => m.messageId);

      const first = await h.store.listMessages('OUTGOING', {}, pageOf({ size: 2, sort: [{ property: 'lastUpdated', direction: 'asc' }] }));
      expect(first.totalElements).toBe(3);
      expect(first.content.map((m) => m.messageId)).toEqual(newestFirst.slice(0, 2));
      expect(first.page).toEqual({ page: 0, size: 2, sort: [{ property: 'lastUpdated', direction: 'asc' }] });
      const second = await h.store.listMessages('OUTGOING', {}, pageOf({ page: 1, size: 2, sort: [{ property: 'lastUpdated', direction: 'asc' }] }));
      expect(second.content.map((m) => m.messageId)).toEqual(newestFirst.slice(2));

      const byId = await h.store.listMessages('OUTGOING', {}, pageOf({ sort: [{ property: 'messageId', direction: 'desc' }] }));
      expect(byId.content.map((m) => m.messageId)).toEqual(messages.map((m) => m.messageId).sort().reverse());
    });

    it('listMessages rejects an unknown sort property with EFM_INVALID_SORT', async () => {
      const error = await h.store.listMessages('OUTGOING', {}, pageOf({ sort: [{ property: 'sbd; DROP TABLE messages', direction: 'asc' }] })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('EFM_INVALID_SORT');
      await expect(h.store.listMessages('OUTGOING', {}, pageOf({ sort: [{ property: 'lastUpdate', direction: 'asc' }] }))).rejects.toMatchObject({ code: 'EFM_INVALID_SORT' });
    });

    it('updateMessage replaces the SBD and state and refreshes lastUpdated', async () => {
      const message = buildMessage();
      await create(message);
      const sbd = { ...message.sbd, arkivmelding: { hoveddokument: 'other.pdf' } };
      expect(await h.store.updateMessage('OUTGOING', message.messageId, { sbd, state: 'QUEUED' }, at(7))).toBe(true);
      const found = await h.store.findMessage('OUTGOING', message.messageId);
      expect(found).toMatchObject({ state: 'QUEUED', sbd, lastUpdated: at(7), createdAt: T0 });
      expect(await h.store.updateMessage('OUTGOING', message.messageId, {}, at(8))).toBe(true);
      expect((await h.store.findMessage('OUTGOING', message.messageId))?.lastUpdated).toEqual(at(8));
    });

    it('updateMessage returns false for a missing message', async () => {
      expect(await h.store.updateMessage('OUTGOING', 'gone', { state: 'QUEUED' }, T0)).toBe(false);
    });

    it('deleteMessage removes the message but keeps its conversation and statuses', async () => {
      const message = buildMessage();
      await create(message);
      expect(await h.store.deleteMessage('OUTGOING', message.messageId)).toBe(true);
      expect(await h.store.findMessage('OUTGOING', message.messageId)).toBeUndefined();
      expect(await h.store.deleteMessage('OUTGOING', message.messageId)).toBe(false);
      const conversation = await h.store.findConversationByMessageId(message.messageId, 'OUTGOING');
      expect(conversation).toBeDefined();
      expect((await h.store.listStatuses({ messageId: message.messageId }, pageOf())).totalElements).toBe(1);
    });

    lockContract(h, create);
  });
}

function lockContract(h: StoreHarness, create: (m: NewMessage, when?: Date) => Promise<unknown>): void {
  describe('lockNextIncoming', () => {
    it('locks the oldest received message by lastUpdated and skips it while the lock holds', async () => {
      const newer = buildMessage({ direction: 'INCOMING' });
      const older = buildMessage({ direction: 'INCOMING' });
      await create(newer, at(2));
      await create(older, at(1));

      const first = await h.store.lockNextIncoming({}, at(10), at(15));
      expect(first?.messageId).toBe(older.messageId);
      expect(first?.lockedUntil).toEqual(at(15));
      expect((await h.store.findMessage('INCOMING', older.messageId))?.lockedUntil).toEqual(at(15));

      const second = await h.store.lockNextIncoming({}, at(11), at(16));
      expect(second?.messageId).toBe(newer.messageId);
      expect(await h.store.lockNextIncoming({}, at(12), at(17))).toBeUndefined();
    });

    it('takes a message again once its lock has expired', async () => {
      const message = buildMessage({ direction: 'INCOMING' });
      await create(message);
      await h.store.lockNextIncoming({}, at(0), at(5));
      expect(await h.store.lockNextIncoming({}, at(4), at(9))).toBeUndefined();
      const again = await h.store.lockNextIncoming({}, at(5), at(10));
      expect(again?.messageId).toBe(message.messageId);
      expect(again?.lockedUntil).toEqual(at(10));
    });

    it('ignores outgoing messages and incoming ones that are not RECEIVED', async () => {
      await create(buildMessage());
      const incoming = buildMessage({ direction: 'INCOMING' });
      await create({ ...incoming, state: 'QUEUED' });
      expect(await h.store.lockNextIncoming({}, at(1), at(2))).toBeUndefined();
    });

    it('honours the filter, with `process` as the incoming name of the process', async () => {
      const dpo = buildMessage({ direction: 'INCOMING', processIdentifier: 'urn:p:dpo' });
      const dpe = buildMessage({ direction: 'INCOMING', serviceIdentifier: 'DPE', senderIdentifier: '333333333', receiverIdentifier: '444444444' });
      await create(dpo, at(1));
      await create(dpe, at(2));
      expect(await h.store.lockNextIncoming({ process: 'urn:p:none' }, at(3), at(4))).toBeUndefined();
      expect((await h.store.lockNextIncoming({ serviceIdentifier: 'DPE', senderIdentifier: '333333333', receiverIdentifier: '444444444' }, at(3), at(4)))?.messageId).toBe(dpe.messageId);
      expect((await h.store.lockNextIncoming({ process: 'urn:p:dpo', conversationId: dpo.conversationId, messageId: dpo.messageId }, at(3), at(4)))?.messageId).toBe(dpo.messageId);
    });

    it('never hands the same message to two concurrent callers', async () => {
      const messages = Array.from({ length: 5 }, () => buildMessage({ direction: 'INCOMING' }));
      for (const [i, m] of messages.entries()) await create(m, at(i));
      const results = await Promise.all(Array.from({ length: 12 }, () => h.store.lockNextIncoming({}, at(10), at(20))));
      const locked = results.flatMap((r) => (r ? [r.messageId] : []));
      expect(locked).toHaveLength(5);
      expect(new Set(locked)).toEqual(new Set(messages.map((m) => m.messageId)));
    });
  });
}
