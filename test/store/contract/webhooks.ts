import { describe, expect, it } from 'vitest';
import { at, T0 } from '../builders.js';
import type { StoreHarness } from '../contract.js';

export function webhookContract(h: StoreHarness): void {
  const subscribe = (name: string) =>
    h.store.createSubscription({ name, pushEndpoint: `http://127.0.0.1:1/${name}`, resource: 'all', event: 'all' });

  describe('webhook outbox', () => {
    it('addWebhookEvent queues events for fan-out, oldest first, up to the limit', async () => {
      const first = await h.store.addWebhookEvent({ event: 'ping', n: 1 }, at(1));
      await h.store.addWebhookEvent({ event: 'ping', n: 2 }, at(2));
      expect(first).toEqual({ id: expect.any(Number), payload: { event: 'ping', n: 1 }, createdAt: at(1) });
      expect((await h.store.pendingWebhookEvents(10)).map((e) => e.payload['n'])).toEqual([1, 2]);
      expect(await h.store.pendingWebhookEvents(1)).toEqual([first]);
    });

    it('fanOutWebhookEvent creates one delivery per subscription and takes the event off the pending list, once', async () => {
      const a = await subscribe('a');
      const b = await subscribe('b');
      const event = await h.store.addWebhookEvent({ event: 'status' }, T0);
      await h.store.fanOutWebhookEvent(event.id, [{ subscriptionId: a.id, webhookId: 'msg_a' }, { subscriptionId: b.id, webhookId: 'msg_b' }], at(1));
      await h.store.fanOutWebhookEvent(event.id, [{ subscriptionId: a.id, webhookId: 'msg_again' }], at(1));
      expect(await h.store.pendingWebhookEvents(10)).toEqual([]);
      const due = await h.store.dueWebhookDeliveries(at(1), 10);
      expect(due).toEqual([
        { id: expect.any(Number), eventId: event.id, subscriptionId: a.id, webhookId: 'msg_a', payload: { event: 'status' }, attempts: 0, nextAttemptAt: at(1) },
        { id: expect.any(Number), eventId: event.id, subscriptionId: b.id, webhookId: 'msg_b', payload: { event: 'status' }, attempts: 0, nextAttemptAt: at(1) },
      ]);
    });

    it('an event with no matching subscription is simply done', async () => {
      const event = await h.store.addWebhookEvent({ event: 'status' }, T0);
      await h.store.fanOutWebhookEvent(event.id, [], T0);
      expect(await h.store.pendingWebhookEvents(10)).toEqual([]);
      expect(await h.store.nextWebhookDeliveryAt()).toBeUndefined();
    });

    it('due deliveries are those whose time has come, and the next wake-up is the earliest', async () => {
      const a = await subscribe('a');
      const e1 = await h.store.addWebhookEvent({ n: 1 }, T0);
      const e2 = await h.store.addWebhookEvent({ n: 2 }, T0);
      await h.store.fanOutWebhookEvent(e1.id, [{ subscriptionId: a.id, webhookId: 'w1' }], at(5));
      await h.store.fanOutWebhookEvent(e2.id, [{ subscriptionId: a.id, webhookId: 'w2' }], at(2));
      expect(await h.store.nextWebhookDeliveryAt()).toEqual(at(2));
      expect((await h.store.dueWebhookDeliveries(at(1), 10))).toEqual([]);
      expect((await h.store.dueWebhookDeliveries(at(2), 10)).map((d) => d.webhookId)).toEqual(['w2']);
      expect((await h.store.dueWebhookDeliveries(at(9), 10)).map((d) => d.webhookId)).toEqual(['w2', 'w1']);
      expect((await h.store.dueWebhookDeliveries(at(9), 1)).map((d) => d.webhookId)).toEqual(['w2']);
    });

    it('failWebhookDelivery counts the attempt and reschedules; without a retry time it drops the delivery', async () => {
      const a = await subscribe('a');
      const event = await h.store.addWebhookEvent({ n: 1 }, T0);
      await h.store.fanOutWebhookEvent(event.id, [{ subscriptionId: a.id, webhookId: 'w' }], T0);
      const [delivery] = await h.store.dueWebhookDeliveries(T0, 10);
      if (!delivery) throw new Error('no delivery');
      await h.store.failWebhookDelivery(delivery.id, 'HTTP 500', at(3));
      expect(await h.store.dueWebhookDeliveries(at(2), 10)).toEqual([]);
      expect(await h.store.dueWebhookDeliveries(at(3), 10)).toEqual([{ ...delivery, attempts: 1, nextAttemptAt: at(3) }]);
      await h.store.failWebhookDelivery(delivery.id, 'HTTP 500', undefined);
      expect(await h.store.dueWebhookDeliveries(at(99), 10)).toEqual([]);
      expect(await h.store.nextWebhookDeliveryAt()).toBeUndefined();
    });

    it('completeWebhookDelivery removes only that delivery', async () => {
      const a = await subscribe('a');
      const b = await subscribe('b');
      const event = await h.store.addWebhookEvent({ n: 1 }, T0);
      await h.store.fanOutWebhookEvent(event.id, [{ subscriptionId: a.id, webhookId: 'wa' }, { subscriptionId: b.id, webhookId: 'wb' }], T0);
      const [first] = await h.store.dueWebhookDeliveries(T0, 10);
      await h.store.completeWebhookDelivery(first?.id ?? -1);
      expect((await h.store.dueWebhookDeliveries(T0, 10)).map((d) => d.webhookId)).toEqual(['wb']);
      await expect(h.store.completeWebhookDelivery(first?.id ?? -1)).resolves.toBeUndefined();
    });

    it('deleting a subscription drops its pending deliveries, and fan-out skips a subscription already gone', async () => {
      const a = await subscribe('a');
      const b = await subscribe('b');
      const e1 = await h.store.addWebhookEvent({ n: 1 }, T0);
      await h.store.fanOutWebhookEvent(e1.id, [{ subscriptionId: a.id, webhookId: 'wa' }, { subscriptionId: b.id, webhookId: 'wb' }], T0);
      await h.store.deleteSubscription(a.id);
      expect((await h.store.dueWebhookDeliveries(T0, 10)).map((d) => d.webhookId)).toEqual(['wb']);
      const e2 = await h.store.addWebhookEvent({ n: 2 }, T0);
      await h.store.fanOutWebhookEvent(e2.id, [{ subscriptionId: a.id, webhookId: 'wa2' }], T0);
      expect((await h.store.dueWebhookDeliveries(T0, 10)).map((d) => d.webhookId)).toEqual(['wb']);
    });
  });
}
