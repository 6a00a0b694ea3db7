import type { NewSubscription, Store, Subscription } from '../port.js';
import { SUBSCRIPTION_SORT } from '../sorting.js';
import type { SqlExecutor, SqlValue } from './connection.js';
import type { StoreContext } from './context.js';
import { Where, selectPage } from './query.js';
import { orNull, toSubscription, type SubscriptionRow } from './rows.js';

const COLUMNS: Record<keyof NewSubscription, string> = {
  name: 'name',
  pushEndpoint: 'push_endpoint',
  resource: 'resource',
  event: 'event',
  filter: 'filter',
  secret: 'secret',
};

async function findSubscription(db: SqlExecutor, where: Where): Promise<Subscription | undefined> {
  const row = await db.get<SubscriptionRow>(`SELECT w.* FROM subscriptions w${where.sql} ORDER BY w.id LIMIT 1`, where.params);
  return row && toSubscription(row);
}

// As the reference's update: only the members given change (api notes §2.10).
async function updateSubscription(ctx: StoreContext, id: number, patch: Partial<NewSubscription>): Promise<Subscription | undefined> {
  const sets: string[] = [];
  const params: SqlValue[] = [];
  for (const [key, column] of Object.entries(COLUMNS) as [keyof NewSubscription, string][]) {
    const value = patch[key];
    if (value === undefined) continue;
    sets.push(`${column} = ?`);
    params.push(value);
  }
  return ctx.db.write(async (tx) => {
    if (sets.length > 0) await tx.run(`UPDATE subscriptions SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
    return findSubscription(tx, new Where().eq('w.id', id));
  });
}

type SubscriptionMethods = Pick<Store,
  'createSubscription' | 'findSubscription' | 'findSubscriptionByNameAndEndpoint' | 'listSubscriptions' |
  'allSubscriptions' | 'updateSubscription' | 'deleteSubscription' | 'deleteAllSubscriptions'>;

export function subscriptionMethods(ctx: StoreContext): SubscriptionMethods {
  return {
    createSubscription: (s) =>
      ctx.db.write(async (tx) => {
        const result = await tx.run(
          'INSERT INTO subscriptions (name, push_endpoint, resource, event, filter, secret) VALUES (?, ?, ?, ?, ?, ?)',
          [s.name, s.pushEndpoint, s.resource, s.event, orNull(s.filter), orNull(s.secret)],
        );
        const created = await findSubscription(tx, new Where().eq('w.id', result.lastId));
        if (!created) throw new Error('subscription vanished inside its own transaction');
        return created;
      }),
    findSubscription: (id) => findSubscription(ctx.db.reader, new Where().eq('w.id', id)),
    findSubscriptionByNameAndEndpoint: (name, pushEndpoint) =>
      findSubscription(ctx.db.reader, new Where().eq('w.name', name).eq('w.push_endpoint', pushEndpoint)),
    listSubscriptions: (page) =>
      selectPage(ctx.db.reader, { columns: 'w.*', from: 'subscriptions w', where: new Where(), entity: SUBSCRIPTION_SORT, request: page, map: toSubscription }),
    allSubscriptions: async () => (await ctx.db.reader.all<SubscriptionRow>('SELECT * FROM subscriptions ORDER BY id')).map(toSubscription),
    updateSubscription: (id, patch) => updateSubscription(ctx, id, patch),
    deleteSubscription: async (id) => (await ctx.db.write((tx) => tx.run('DELETE FROM subscriptions WHERE id = ?', [id]))).changes > 0,
    deleteAllSubscriptions: async () => {
      await ctx.db.write((tx) => tx.run('DELETE FROM subscriptions'));
    },
  };
}
