import { describe, expect, it } from 'vitest';
import type { NewConversation, NewMessage } from '../../../src/store/index.js';
import { at, buildMessage, conversationFor, opprettet, pageOf, T0 } from '../builders.js';
import type { StoreHarness } from '../contract.js';

export function conversationContract(h: StoreHarness): void {
  const create = async (message: NewMessage, overrides: Partial<NewConversation> = {}, when = T0) => {
    const [change] = await h.store.createMessage(message, conversationFor(message, overrides), [opprettet(when)]);
    if (!change) throw new Error('no change');
    return change.conversation;
  };

  describe('conversations', () => {
    it('ensureConversation creates a conversation once and then returns the existing one unchanged', async () => {
      const message = buildMessage();
      const created = await h.store.ensureConversation(conversationFor(message, { pollable: true, messageTitle: 'first' }), at(1));
      expect(created).toMatchObject({ messageId: message.messageId, pollable: true, finished: false, messageTitle: 'first', lastUpdate: at(1) });
      const again = await h.store.ensureConversation(conversationFor(message, { messageTitle: 'second' }), at(2));
      expect(again).toEqual(created);
      const other = await h.store.ensureConversation(conversationFor({ ...message, direction: 'INCOMING' }), at(3));
      expect(other.id).not.toBe(created.id);
    });

    it('findConversationById and findConversationByMessageId return the row, or undefined', async () => {
      const message = buildMessage();
      const conversation = await create(message);
      expect(await h.store.findConversationById(conversation.id)).toEqual(conversation);
      expect(await h.store.findConversationById(conversation.id + 1000)).toBeUndefined();
      expect(await h.store.findConversationByMessageId(message.messageId)).toEqual(conversation);
      expect(await h.store.findConversationByMessageId(message.messageId, 'OUTGOING')).toEqual(conversation);
      expect(await h.store.findConversationByMessageId(message.messageId, 'INCOMING')).toBeUndefined();
      expect(await h.store.findConversationByMessageId('unknown')).toBeUndefined();
    });

    it('listConversations filters by every member with exact matches', async () => {
      const a = await create(buildMessage({ serviceIdentifier: 'DPV' }), { messageTitle: 'Title A', messageReference: 'ref-a', pollable: true }, at(1));
      const b = await create(buildMessage({ direction: 'INCOMING', senderIdentifier: '999999999', receiverIdentifier: '888888888' }), {}, at(2));
      const ids = async (filter: Parameters<typeof h.store.listConversations>[0]) =>
        (await h.store.listConversations(filter, pageOf({ sort: [{ property: 'id', direction: 'asc' }] }))).content.map((c) => c.id);

      expect(await ids({})).toEqual([a.id, b.id]);
      expect(await ids({ messageId: a.messageId })).toEqual([a.id]);
      expect(await ids({ conversationId: b.conversationId })).toEqual([b.id]);
      expect(await ids({ receiver: '0192:888888888' })).toEqual([b.id]);
      expect(await ids({ receiverIdentifier: '888888888' })).toEqual([b.id]);
      expect(await ids({ sender: '0192:999999999' })).toEqual([b.id]);
      expect(await ids({ senderIdentifier: '999999999' })).toEqual([b.id]);
      expect(await ids({ serviceIdentifier: 'DPV' })).toEqual([a.id]);
      expect(await ids({ messageReference: 'ref-a' })).toEqual([a.id]);
      expect(await ids({ messageTitle: 'Title A' })).toEqual([a.id]);
      expect(await ids({ messageTitle: 'title a' })).toEqual([]);
      expect(await ids({ pollable: true })).toEqual([a.id]);
      expect(await ids({ pollable: false })).toEqual([b.id]);
      expect(await ids({ finished: false })).toEqual([a.id, b.id]);
      expect(await ids({ finished: true })).toEqual([]);
      expect(await ids({ direction: 'INCOMING' })).toEqual([b.id]);
    });

    it('listConversations bounds lastUpdate inclusively at both ends', async () => {
      const convs = [];
      for (const minute of [1, 2, 3]) convs.push(await create(buildMessage(), {}, at(minute)));
      const ids = async (from?: Date, to?: Date) =>
        (await h.store.listConversations({ lastUpdateFrom: from, lastUpdateTo: to }, pageOf({ sort: [{ property: 'lastUpdate', direction: 'asc' }] }))).content.map((c) => c.id);
      expect(await ids(at(2), at(3))).toEqual([convs[1]?.id, convs[2]?.id]);
      expect(await ids(at(2), at(2))).toEqual([convs[1]?.id]);
      expect(await ids(undefined, at(1))).toEqual([convs[0]?.id]);
      expect(await ids(at(3))).toEqual([convs[2]?.id]);
    });

    it('listConversations pages in the requested order with a stable tiebreak', async () => {
      const convs = [];
      for (let i = 0; i < 5; i++) convs.push(await create(buildMessage(), {}, at(i < 2 ? 0 : i)));
      const sort = [{ property: 'lastUpdate', direction: 'desc' as const }];
      const pages = [];
      for (const page of [0, 1, 2]) pages.push(await h.store.listConversations({}, pageOf({ page, size: 2, sort })));
      expect(pages.map((p) => p.totalElements)).toEqual([5, 5, 5]);
      expect(pages.flatMap((p) => p.content).map((c) => c.id)).toEqual([convs[4]?.id, convs[3]?.id, convs[2]?.id, convs[0]?.id, convs[1]?.id]);
      const beyond = await h.store.listConversations({}, pageOf({ page: 9, size: 2, sort }));
      expect(beyond).toMatchObject({ content: [], totalElements: 5 });
      await expect(h.store.listConversations({}, pageOf({ sort: [{ property: 'lastUpdated', direction: 'asc' }] }))).rejects.toMatchObject({ code: 'EFM_INVALID_SORT' });
    });

    it('statusesOf groups statuses by conversation, id ascending, with empty lists for none', async () => {
      const a = await create(buildMessage());
      await h.store.addStatus(a.messageId, 'OUTGOING', { status: 'SENDT', at: at(1) });
      const bare = await h.store.ensureConversation(conversationFor(buildMessage()), T0);
      const map = await h.store.statusesOf([a.id, bare.id]);
      expect(map.get(a.id)?.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT']);
      expect(map.get(bare.id)).toEqual([]);
      expect((await h.store.statusesOf([])).size).toBe(0);
    });

    it('updateConversation changes only the given members', async () => {
      const conv = await create(buildMessage(), { messageTitle: 'kept' });
      await h.store.updateConversation(conv.id, { messageReference: 'sak-1', externalSystemReference: 'ext-9', pollable: true, expiry: at(99) });
      const updated = await h.store.findConversationById(conv.id);
      expect(updated).toEqual({ ...conv, messageReference: 'sak-1', externalSystemReference: 'ext-9', pollable: true, expiry: at(99) });
      await h.store.updateConversation(conv.id, { pollable: false });
      expect((await h.store.findConversationById(conv.id))?.pollable).toBe(false);
      await expect(h.store.updateConversation(conv.id + 1000, { messageTitle: 'x' })).resolves.toBeUndefined();
    });

    it('deleteConversation removes the conversation and its statuses; unknown ids are fine', async () => {
      const conv = await create(buildMessage());
      await h.store.deleteConversation(conv.id);
      expect(await h.store.findConversationById(conv.id)).toBeUndefined();
      expect((await h.store.listStatuses({ conversationId: conv.conversationId }, pageOf())).totalElements).toBe(0);
      await expect(h.store.deleteConversation(conv.id)).resolves.toBeUndefined();
    });

    it('deleteConversationByMessageId removes the conversations of both directions', async () => {
      const out = buildMessage();
      await create(out);
      await create(buildMessage({ direction: 'INCOMING', messageId: out.messageId }));
      const kept = await create(buildMessage());
      await h.store.deleteConversationByMessageId(out.messageId);
      expect(await h.store.findConversationByMessageId(out.messageId)).toBeUndefined();
      expect(await h.store.findConversationById(kept.id)).toEqual(kept);
    });
  });
}
