import { describe, expect, it } from 'vitest';
import type { NewSubscription } from '../../../src/store/index.js';
import { pageOf } from '../builders.js';
import type { StoreHarness } from '../contract.js';

const subscription = (overrides: Partial<NewSubscription> = {}): NewSubscription => ({
  name: 'case system', pushEndpoint: 'http://127.0.0.1:1/hook', resource: 'messages', event: 'status', ...overrides,
});

export function subscriptionContract(h: StoreHarness): void {
  describe('subscriptions', () => {
    it('createSubscription assigns an id and the subscription reads back whole', async () => {
      const created = await h.store.createSubscription(subscription({ filter: 'status=FEIL', secret: 'whsec_abc' }));
      expect(created).toEqual({ id: expect.any(Number), ...subscription({ filter: 'status=FEIL', secret: 'whsec_abc' }) });
      expect(await h.store.findSubscription(created.id)).toEqual(created);
      expect(await h.store.findSubscription(created.id + 1000)).toBeUndefined();
    });

    it('findSubscriptionByNameAndEndpoint needs both to match', async () => {
      const created = await h.store.createSubscription(subscription());
      expect(await h.store.findSubscriptionByNameAndEndpoint('case system', 'http://127.0.0.1:1/hook')).toEqual(created);
      expect(await h.store.findSubscriptionByNameAndEndpoint('case system', 'http://127.0.0.1:2/hook')).toBeUndefined();
      expect(await h.store.findSubscriptionByNameAndEndpoint('other', 'http://127.0.0.1:1/hook')).toBeUndefined();
    });

    it('listSubscriptions pages and sorts; allSubscriptions returns every one by id', async () => {
      const created = [];
      for (const name of ['b', 'c', 'a']) created.push(await h.store.createSubscription(subscription({ name })));
      const page = await h.store.listSubscriptions(pageOf({ size: 2, sort: [{ property: 'name', direction: 'asc' }] }));
      expect(page.totalElements).toBe(3);
      expect(page.content.map((s) => s.name)).toEqual(['a', 'b']);
      expect(await h.store.allSubscriptions()).toEqual(created);
      await expect(h.store.listSubscriptions(pageOf({ sort: [{ property: 'secret', direction: 'asc' }] }))).rejects.toMatchObject({ code: 'EFM_INVALID_SORT' });
    });

    it('updateSubscription changes only the given members', async () => {
      const created = await h.store.createSubscription(subscription({ filter: 'direction=OUTGOING' }));
      const updated = await h.store.updateSubscription(created.id, { pushEndpoint: 'http://127.0.0.1:3/new', event: 'all' });
      expect(updated).toEqual({ ...created, pushEndpoint: 'http://127.0.0.1:3/new', event: 'all' });
      expect(await h.store.findSubscription(created.id)).toEqual(updated);
      expect(await h.store.updateSubscription(created.id, {})).toEqual(updated);
      expect(await h.store.updateSubscription(created.id + 1000, { name: 'x' })).toBeUndefined();
    });

    it('deleteSubscription tells whether it existed; deleteAllSubscriptions empties the list', async () => {
      const a = await h.store.createSubscription(subscription({ name: 'a' }));
      await h.store.createSubscription(subscription({ name: 'b' }));
      expect(await h.store.deleteSubscription(a.id)).toBe(true);
      expect(await h.store.deleteSubscription(a.id)).toBe(false);
      expect((await h.store.allSubscriptions()).map((s) => s.name)).toEqual(['b']);
      await h.store.deleteAllSubscriptions();
      expect(await h.store.allSubscriptions()).toEqual([]);
    });
  });
}
