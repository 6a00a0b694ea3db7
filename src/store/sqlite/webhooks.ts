import type { Store, WebhookEvent } from '../port.js';
import type { SqlExecutor } from './connection.js';
import type { StoreContext } from './context.js';
import { toMs, toWebhookDelivery, toWebhookEvent, type WebhookDeliveryRow, type WebhookEventRow } from './rows.js';

// The durable webhook outbox: an event is recorded in the same transaction as the status that caused
// it, fanned out once into one delivery per matching subscription, and each delivery is retried until
// it succeeds or the dispatcher gives up. Events nobody still has to receive are deleted, so the
// tables hold only pending work.

export async function insertWebhookEvent(tx: SqlExecutor, payload: Record<string, unknown>, at: Date): Promise<WebhookEvent> {
  const result = await tx.run('INSERT INTO webhook_events (payload, created_at) VALUES (?, ?)', [JSON.stringify(payload), toMs(at)]);
  return { id: result.lastId, payload, createdAt: new Date(toMs(at)) };
}

async function deleteDelivery(tx: SqlExecutor, id: number): Promise<void> {
  const row = await tx.get<{ event_id: number }>('SELECT event_id FROM webhook_deliveries WHERE id = ?', [id]);
  if (!row) return;
  await tx.run('DELETE FROM webhook_deliveries WHERE id = ?', [id]);
  await tx.run(
    `DELETE FROM webhook_events WHERE id = ? AND fanned_out = 1
       AND NOT EXISTS (SELECT 1 FROM webhook_deliveries WHERE event_id = ?)`,
    [row.event_id, row.event_id],
  );
}

const DELIVERY_COLUMNS = 'd.id, d.event_id, d.subscription_id, d.webhook_id, e.payload, d.attempts, d.next_attempt_at';

type WebhookMethods = Pick<Store,
  'addWebhookEvent' | 'pendingWebhookEvents' | 'fanOutWebhookEvent' | 'dueWebhookDeliveries' |
  'nextWebhookDeliveryAt' | 'completeWebhookDelivery' | 'failWebhookDelivery'>;

export function webhookMethods(ctx: StoreContext): WebhookMethods {
  return {
    addWebhookEvent: (payload, at) => ctx.db.write((tx) => insertWebhookEvent(tx, payload, at)),
    pendingWebhookEvents: async (limit) => {
      const rows = await ctx.db.reader.all<WebhookEventRow>(
        'SELECT id, payload, created_at FROM webhook_events WHERE fanned_out = 0 ORDER BY id LIMIT ?',
        [limit],
      );
      return rows.map(toWebhookEvent);
    },
    fanOutWebhookEvent: (eventId, deliveries, at) =>
      ctx.db.write(async (tx) => {
        // The guard makes a second fan-out of the same event a no-op instead of duplicate pushes.
        const claimed = await tx.run('UPDATE webhook_events SET fanned_out = 1 WHERE id = ? AND fanned_out = 0', [eventId]);
        if (claimed.changes === 0) return;
        for (const delivery of deliveries) {
          // A subscription deleted since the caller matched it simply gets no delivery.
          await tx.run(
            `INSERT INTO webhook_deliveries (event_id, subscription_id, webhook_id, next_attempt_at)
             SELECT ?, id, ?, ? FROM subscriptions WHERE id = ?`,
            [eventId, delivery.webhookId, toMs(at), delivery.subscriptionId],
          );
        }
        await tx.run(
          'DELETE FROM webhook_events WHERE id = ? AND NOT EXISTS (SELECT 1 FROM webhook_deliveries WHERE event_id = ?)',
          [eventId, eventId],
        );
      }),
    dueWebhookDeliveries: async (now, limit) => {
      const rows = await ctx.db.reader.all<WebhookDeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
         WHERE d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?`,
        [toMs(now), limit],
      );
      return rows.map(toWebhookDelivery);
    },
    nextWebhookDeliveryAt: async () => {
      const row = await ctx.db.reader.get<{ at: number | null }>('SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries');
      return row?.at == null ? undefined : new Date(row.at);
    },
    completeWebhookDelivery: (id) => ctx.db.write((tx) => deleteDelivery(tx, id)),
    failWebhookDelivery: (id, error, retryAt) =>
      ctx.db.write(async (tx) => {
        if (retryAt === undefined) return deleteDelivery(tx, id);
        await tx.run(
          'UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?',
          [error, toMs(retryAt), id],
        );
      }),
  };
}
