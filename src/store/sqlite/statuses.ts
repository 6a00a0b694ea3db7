import { NotFoundError, effectOfStatus, statusEventPayload, type Direction } from '../../domain/index.js';
import type { AddStatusOptions, NewStatus, StatusChange, StatusRecord, Store } from '../port.js';
import { STATUS_SORT } from '../sorting.js';
import type { SqlExecutor } from './connection.js';
import type { StoreContext } from './context.js';
import { findConversation } from './conversations.js';
import { Where, selectPage } from './query.js';
import { STATUS_COLUMNS, orNull, toMs, toStatus, type StatusRow } from './rows.js';
import { insertWebhookEvent } from './webhooks.js';

const STATUS_FROM = 'message_statuses s JOIN conversations c ON c.id = s.conv_id';
// Keeps each IN list far below SQLite's bound-parameter limit.
const IN_CHUNK = 500;

/**
 * Registers one status on a conversation inside the caller's transaction (api notes §4.2): at most
 * once per status name, then the conversation's effects, lastUpdate, webhook event and queue entry.
 */
export async function registerStatus(tx: SqlExecutor, convId: number, status: NewStatus, options: AddStatusOptions = {}): Promise<StatusChange | undefined> {
  const at = toMs(status.at);
  const inserted = await tx.run(
    `INSERT INTO message_statuses (conv_id, status, description, raw_receipt, last_update) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (conv_id, status) DO NOTHING`,
    [convId, status.status, orNull(status.description), orNull(status.rawReceipt), at],
  );
  if (inserted.changes === 0) return undefined;
  const effect = effectOfStatus(status.status);
  await tx.run(
    `UPDATE conversations SET last_update = ?,
       finished = CASE WHEN ? THEN 1 ELSE finished END,
       pollable = CASE WHEN ? THEN 0 ELSE pollable END
     WHERE id = ?`,
    [at, effect.finished ? 1 : 0, effect.pollable === false ? 1 : 0, convId],
  );
  const conversation = await findConversation(tx, new Where().eq('c.id', convId));
  const row = await tx.get<StatusRow>(`SELECT ${STATUS_COLUMNS} FROM ${STATUS_FROM} WHERE s.id = ?`, [inserted.lastId]);
  if (!conversation || !row) throw new Error('status row vanished inside its own transaction');
  const change = { status: toStatus(row), conversation };
  if (options.webhookEvent !== false) await insertWebhookEvent(tx, statusEventPayload(change.conversation, change.status), status.at);
  if (options.enqueue) await tx.run('INSERT INTO status_queue (status_id) VALUES (?)', [row.id]);
  return change;
}

async function addStatus(ctx: StoreContext, messageId: string, direction: Direction, status: NewStatus, options?: AddStatusOptions): Promise<StatusChange | undefined> {
  return ctx.db.write(async (tx) => {
    const conversation = await findConversation(tx, new Where().eq('c.message_id', messageId).eq('c.direction', direction));
    if (!conversation) {
      throw new NotFoundError(`Conversation with messageId = ${messageId} (${direction}) was not found`, {
        code: 'EFM_CONVERSATION_NOT_FOUND',
        exception: 'no.difi.meldingsutveksling.exceptions.ConversationNotFoundException',
      });
    }
    return registerStatus(tx, conversation.id, status, options);
  });
}

async function statusesOf(ctx: StoreContext, convIds: number[]): Promise<Map<number, StatusRecord[]>> {
  const result = new Map<number, StatusRecord[]>(convIds.map((id) => [id, []]));
  for (let i = 0; i < convIds.length; i += IN_CHUNK) {
    const chunk = convIds.slice(i, i + IN_CHUNK);
    const rows = await ctx.db.reader.all<StatusRow>(
      `SELECT ${STATUS_COLUMNS} FROM ${STATUS_FROM} WHERE s.conv_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY s.id`,
      chunk,
    );
    for (const row of rows) result.get(row.conv_id)?.push(toStatus(row));
  }
  return result;
}

type StatusMethods = Pick<Store, 'addStatus' | 'listStatuses' | 'statusesOf' | 'peekStatusQueue' | 'removeFromStatusQueue'>;

export function statusMethods(ctx: StoreContext): StatusMethods {
  return {
    addStatus: (messageId, direction, status, options) => addStatus(ctx, messageId, direction, status, options),
    listStatuses: (filter, page) => {
      const where = new Where()
        .eq('s.id', filter.id)
        .eq('c.message_id', filter.messageId)
        .eq('c.conversation_id', filter.conversationId)
        .eq('s.status', filter.status);
      // api notes §2.9: the date range acts only when both ends are given.
      if (filter.fromDateTime && filter.toDateTime) {
        where.add('s.last_update BETWEEN ? AND ?', toMs(filter.fromDateTime), toMs(filter.toDateTime));
      }
      return selectPage(ctx.db.reader, { columns: STATUS_COLUMNS, from: STATUS_FROM, where, entity: STATUS_SORT, request: page, map: toStatus });
    },
    statusesOf: (convIds) => statusesOf(ctx, convIds),
    peekStatusQueue: async () => {
      const row = await ctx.db.reader.get<StatusRow>(
        `SELECT ${STATUS_COLUMNS} FROM status_queue q JOIN message_statuses s ON s.id = q.status_id
         JOIN conversations c ON c.id = s.conv_id ORDER BY q.id LIMIT 1`,
      );
      return row && toStatus(row);
    },
    removeFromStatusQueue: async (statusId) => {
      const result = await ctx.db.write((tx) => tx.run('DELETE FROM status_queue WHERE status_id = ?', [statusId]));
      return result.changes > 0;
    },
  };
}
