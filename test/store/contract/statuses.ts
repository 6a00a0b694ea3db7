import { describe, expect, it } from 'vitest';
import { NotFoundError, statusEventPayload, type ReceiptStatus } from '../../../src/domain/index.js';
import type { NewMessage } from '../../../src/store/index.js';
import { at, buildMessage, conversationFor, opprettet, pageOf } from '../builders.js';
import type { StoreHarness } from '../contract.js';

export function statusContract(h: StoreHarness): void {
  const create = async (message: NewMessage = buildMessage(), pollable = false) => {
    await h.store.createMessage(message, conversationFor(message, { pollable }), [opprettet()], { webhookEvent: false });
    return message;
  };
  const effectOf = async (status: ReceiptStatus) => {
    const message = await create(buildMessage(), true);
    const change = await h.store.addStatus(message.messageId, 'OUTGOING', { status, at: at(1) });
    return change?.conversation;
  };

  describe('statuses', () => {
    it('addStatus records the status, refreshes lastUpdate and returns the change', async () => {
      const message = await create();
      const change = await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'FEIL', description: 'oops', rawReceipt: '{"r":1}', at: at(3) });
      expect(change?.status).toMatchObject({ status: 'FEIL', description: 'oops', rawReceipt: '{"r":1}', lastUpdate: at(3), messageId: message.messageId, conversationId: message.conversationId });
      expect(change?.status.convId).toBe(change?.conversation.id);
      expect(change?.conversation.lastUpdate).toEqual(at(3));
      expect(await h.store.findConversationById(change?.conversation.id ?? -1)).toEqual(change?.conversation);
    });

    it('addStatus stores each status at most once per conversation', async () => {
      const message = await create();
      expect(await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'SENDT', at: at(1) })).toBeDefined();
      expect(await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'SENDT', description: 'again', at: at(2) }, { enqueue: true })).toBeUndefined();
      expect(await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'OPPRETTET', at: at(2) })).toBeUndefined();
      const statuses = await h.store.listStatuses({ messageId: message.messageId }, pageOf());
      expect(statuses.content.map((s) => [s.status, s.description])).toEqual([['OPPRETTET', undefined], ['SENDT', undefined]]);
      expect((await h.store.findConversationByMessageId(message.messageId))?.lastUpdate).toEqual(at(1));
      expect(await h.store.peekStatusQueue()).toBeUndefined();
      expect(await h.store.pendingWebhookEvents(10)).toHaveLength(1);
    });

    it('addStatus applies the status effects: LEVERT finishes, LEST/FEIL/LEVETID_UTLOPT/INNKOMMENDE_LEVERT also stop polling', async () => {
      expect(await effectOf('SENDT')).toMatchObject({ finished: false, pollable: true });
      expect(await effectOf('MOTTATT')).toMatchObject({ finished: false, pollable: true });
      expect(await effectOf('LEVERT')).toMatchObject({ finished: true, pollable: true });
      for (const status of ['LEST', 'FEIL', 'LEVETID_UTLOPT', 'INNKOMMENDE_LEVERT'] as const) {
        expect(await effectOf(status)).toMatchObject({ finished: true, pollable: false });
      }
    });

    it('addStatus does not undo an earlier effect', async () => {
      const message = await create(buildMessage(), true);
      await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'LEST', at: at(1) });
      const change = await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'ANNET', at: at(2) });
      expect(change?.conversation).toMatchObject({ finished: true, pollable: false });
    });

    it('addStatus throws NotFoundError when the conversation does not exist', async () => {
      const message = await create();
      await expect(h.store.addStatus(message.messageId, 'INCOMING', { status: 'SENDT', at: at(1) })).rejects.toBeInstanceOf(NotFoundError);
      await expect(h.store.addStatus('unknown', 'OUTGOING', { status: 'SENDT', at: at(1) })).rejects.toMatchObject({ code: 'EFM_CONVERSATION_NOT_FOUND' });
    });

    it('addStatus records the webhook event of api notes §2.10 unless told not to', async () => {
      const message = await create();
      const change = await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'LEVERT', description: 'levert', at: at(1) });
      await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'LEST', at: at(2) }, { webhookEvent: false });
      const events = await h.store.pendingWebhookEvents(10);
      if (!change) throw new Error('no change');
      expect(events.map((e) => e.payload)).toEqual([statusEventPayload(change.conversation, change.status)]);
      expect(events[0]?.createdAt).toEqual(at(1));
    });

    it('the status queue hands out the oldest enqueued status until it is removed', async () => {
      const message = await create();
      const sendt = await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'SENDT', at: at(1) }, { enqueue: true });
      await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'MOTTATT', at: at(2) });
      const levert = await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'LEVERT', at: at(3) }, { enqueue: true });
      expect(await h.store.peekStatusQueue()).toEqual(sendt?.status);
      expect(await h.store.peekStatusQueue()).toEqual(sendt?.status);
      expect(await h.store.removeFromStatusQueue(sendt?.status.id ?? -1)).toBe(true);
      expect(await h.store.removeFromStatusQueue(sendt?.status.id ?? -1)).toBe(false);
      expect(await h.store.peekStatusQueue()).toEqual(levert?.status);
      expect(await h.store.removeFromStatusQueue(levert?.status.id ?? -1)).toBe(true);
      expect(await h.store.peekStatusQueue()).toBeUndefined();
    });

    it('listStatuses filters exactly and applies the date range only with both ends', async () => {
      const a = await create();
      const b = await create();
      const sendt = await h.store.addStatus(a.messageId, 'OUTGOING', { status: 'SENDT', at: at(5) });
      await h.store.addStatus(b.messageId, 'OUTGOING', { status: 'FEIL', at: at(10) });
      const statuses = async (filter: Parameters<typeof h.store.listStatuses>[0]) =>
        (await h.store.listStatuses(filter, pageOf())).content.map((s) => `${s.messageId === a.messageId ? 'a' : 'b'}:${s.status}`);

      expect(await statuses({})).toEqual(['a:OPPRETTET', 'b:OPPRETTET', 'a:SENDT', 'b:FEIL']);
      expect(await statuses({ id: sendt?.status.id })).toEqual(['a:SENDT']);
      expect(await statuses({ messageId: b.messageId })).toEqual(['b:OPPRETTET', 'b:FEIL']);
      expect(await statuses({ conversationId: a.conversationId })).toEqual(['a:OPPRETTET', 'a:SENDT']);
      expect(await statuses({ status: 'FEIL' })).toEqual(['b:FEIL']);
      expect(await statuses({ fromDateTime: at(5), toDateTime: at(10) })).toEqual(['a:SENDT', 'b:FEIL']);
      expect(await statuses({ fromDateTime: at(6), toDateTime: at(9) })).toEqual([]);
      expect(await statuses({ fromDateTime: at(6) })).toHaveLength(4);
    });

    it('listStatuses sorts by id, lastUpdate or status and rejects other properties', async () => {
      const message = await create();
      await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'SENDT', at: at(9) });
      await h.store.addStatus(message.messageId, 'OUTGOING', { status: 'MOTTATT', at: at(5) });
      const order = async (property: string, direction: 'asc' | 'desc') =>
        (await h.store.listStatuses({}, pageOf({ sort: [{ property, direction }] }))).content.map((s) => s.status);
      expect(await order('id', 'desc')).toEqual(['MOTTATT', 'SENDT', 'OPPRETTET']);
      expect(await order('lastUpdate', 'asc')).toEqual(['OPPRETTET', 'MOTTATT', 'SENDT']);
      expect(await order('status', 'asc')).toEqual(['MOTTATT', 'OPPRETTET', 'SENDT']);
      await expect(order('rawReceipt', 'asc')).rejects.toMatchObject({ code: 'EFM_INVALID_SORT' });
    });
  });
}
