import { MessageAlreadyExistsError, type Direction } from '../../domain/index.js';
import type { AddStatusOptions, MessageFilter, MessageRecord, NewConversation, NewMessage, NewStatus, StatusChange, Store } from '../port.js';
import { MESSAGE_SORT } from '../sorting.js';
import type { SqlExecutor, SqlValue } from './connection.js';
import type { StoreContext } from './context.js';
import { findConversation, insertConversation } from './conversations.js';
import { Where, selectPage } from './query.js';
import { orNull, toMessage, toMs, toMsOrNull, type MessageRow } from './rows.js';
import { registerStatus } from './statuses.js';

function messageFilter(filter: MessageFilter & { process?: string }): Where {
  return new Where()
    .eq('m.message_id', filter.messageId)
    .eq('m.conversation_id', filter.conversationId)
    .eq('m.process_identifier', filter.processIdentifier)
    // api notes §2.7: the incoming filter is called `process`.
    .eq('m.process_identifier', filter.process)
    .eq('m.receiver_identifier', filter.receiverIdentifier)
    .eq('m.sender_identifier', filter.senderIdentifier)
    .eq('m.service_identifier', filter.serviceIdentifier);
}

async function findMessageRow(db: SqlExecutor, direction: Direction, messageId: string): Promise<MessageRow | undefined> {
  return db.get<MessageRow>('SELECT m.* FROM messages m WHERE m.direction = ? AND m.message_id = ?', [direction, messageId]);
}

async function insertMessage(tx: SqlExecutor, message: NewMessage, at: Date): Promise<void> {
  await tx.run(
    `INSERT INTO messages (direction, message_id, conversation_id, service_identifier, process_identifier, document_type,
       sender_identifier, receiver_identifier, sbd, state, expiry, created_at, last_updated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      message.direction, message.messageId, message.conversationId, message.serviceIdentifier, message.processIdentifier,
      message.documentType, message.senderIdentifier, orNull(message.receiverIdentifier), JSON.stringify(message.sbd),
      message.state, toMsOrNull(message.expiry), toMs(at), toMs(at),
    ],
  );
}

async function createMessage(ctx: StoreContext, message: NewMessage, conversation: NewConversation, statuses: NewStatus[], options?: AddStatusOptions): Promise<StatusChange[]> {
  const first = statuses[0];
  if (!first) throw new TypeError('createMessage needs at least the first status');
  if (conversation.messageId !== message.messageId || conversation.direction !== message.direction) {
    throw new TypeError('the conversation must have the message\'s messageId and direction');
  }
  return ctx.db.write(async (tx) => {
    if (await findMessageRow(tx, message.direction, message.messageId)) throw new MessageAlreadyExistsError(message.messageId);
    await insertMessage(tx, message, first.at);
    // A conversation can outlive its message: status SBDs reuse the original messageId (api notes §4.6,
    // §8 note 9). Rejecting a reused messageId otherwise is the caller's check (api notes §5.2 step 5).
    const existing = await findConversation(tx, new Where().eq('c.message_id', message.messageId).eq('c.direction', message.direction));
    const convId = existing?.id ?? (await insertConversation(tx, conversation, first.at));
    const changes: StatusChange[] = [];
    for (const status of statuses) {
      const change = await registerStatus(tx, convId, status, options);
      if (change) changes.push(change);
    }
    return changes;
  });
}

async function updateMessage(ctx: StoreContext, direction: Direction, messageId: string, patch: Parameters<Store['updateMessage']>[2], at: Date): Promise<boolean> {
  const sets = ['last_updated = ?'];
  const params: SqlValue[] = [toMs(at)];
  if (patch.sbd !== undefined) {
    sets.push('sbd = ?');
    params.push(JSON.stringify(patch.sbd));
  }
  if (patch.state !== undefined) {
    sets.push('state = ?');
    params.push(patch.state);
  }
  const result = await ctx.db.write((tx) =>
    tx.run(`UPDATE messages SET ${sets.join(', ')} WHERE direction = ? AND message_id = ?`, [...params, direction, messageId]),
  );
  return result.changes > 0;
}

async function deleteMessage(ctx: StoreContext, direction: Direction, messageId: string): Promise<boolean> {
  const blobs = await ctx.db.write(async (tx) => {
    const row = await findMessageRow(tx, direction, messageId);
    if (!row) return undefined;
    const files = await tx.all<{ identifier: string }>('SELECT identifier FROM files WHERE message_row = ?', [row.id]);
    await tx.run('DELETE FROM messages WHERE id = ?', [row.id]);
    return files.map((f) => f.identifier);
  });
  if (!blobs) return false;
  // Only after the commit: a crash before this line leaves unreferenced blobs, which the next open sweeps.
  await ctx.blobs.remove(blobs);
  return true;
}

async function lockNextIncoming(ctx: StoreContext, filter: MessageFilter & { process?: string }, now: Date, lockUntil: Date): Promise<MessageRecord | undefined> {
  const nowMs = toMs(now);
  const lockMs = toMs(lockUntil);
  return ctx.db.write(async (tx) => {
    const where = messageFilter(filter)
      .add('m.direction = ?', 'INCOMING')
      .add('m.state = ?', 'RECEIVED')
      .add('(m.locked_until IS NULL OR m.locked_until <= ?)', nowMs);
    const row = await tx.get<MessageRow>(`SELECT m.* FROM messages m${where.sql} ORDER BY m.last_updated, m.id LIMIT 1`, where.params);
    if (!row) return undefined;
    // Conditional, as the reference's lock (api notes §2.7), so the rule holds in the SQL itself and not
    // only through the transaction around it.
    const locked = await tx.run(
      'UPDATE messages SET locked_until = ? WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?)',
      [lockMs, row.id, nowMs],
    );
    return locked.changes === 0 ? undefined : toMessage({ ...row, locked_until: lockMs });
  });
}

type MessageMethods = Pick<Store, 'createMessage' | 'findMessage' | 'listMessages' | 'updateMessage' | 'deleteMessage' | 'lockNextIncoming'>;

export function messageMethods(ctx: StoreContext): MessageMethods {
  return {
    createMessage: (message, conversation, statuses, options) => createMessage(ctx, message, conversation, statuses, options),
    findMessage: async (direction, messageId) => {
      const row = await findMessageRow(ctx.db.reader, direction, messageId);
      return row && toMessage(row);
    },
    listMessages: (direction, filter, page) =>
      selectPage(ctx.db.reader, {
        columns: 'm.*', from: 'messages m', where: messageFilter(filter).add('m.direction = ?', direction),
        entity: MESSAGE_SORT, request: page, map: toMessage,
      }),
    updateMessage: (direction, messageId, patch, at) => updateMessage(ctx, direction, messageId, patch, at),
    deleteMessage: (direction, messageId) => deleteMessage(ctx, direction, messageId),
    lockNextIncoming: (filter, now, lockUntil) => lockNextIncoming(ctx, filter, now, lockUntil),
  };
}
