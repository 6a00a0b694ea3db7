import type { ConversationFilter, ConversationRecord, NewConversation, Store } from '../port.js';
import { CONVERSATION_SORT } from '../sorting.js';
import type { SqlExecutor, SqlValue } from './connection.js';
import type { StoreContext } from './context.js';
import { Where, selectPage } from './query.js';
import { orNull, toConversation, toMs, toMsOrNull, type ConversationRow } from './rows.js';

export async function findConversation(db: SqlExecutor, where: Where): Promise<ConversationRecord | undefined> {
  const row = await db.get<ConversationRow>(`SELECT c.* FROM conversations c${where.sql} ORDER BY c.id LIMIT 1`, where.params);
  return row && toConversation(row);
}

/** Inserts a conversation; the caller has checked that (messageId, direction) is free. Returns its id. */
export async function insertConversation(tx: SqlExecutor, conversation: NewConversation, at: Date): Promise<number> {
  const result = await tx.run(
    `INSERT INTO conversations (conversation_id, message_id, sender, sender_identifier, receiver, receiver_identifier,
       process_identifier, document_identifier, message_reference, message_title, external_system_reference,
       last_update, finished, expiry, direction, service_identifier, pollable)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
    [
      conversation.conversationId, conversation.messageId, orNull(conversation.sender), orNull(conversation.senderIdentifier),
      orNull(conversation.receiver), orNull(conversation.receiverIdentifier), conversation.processIdentifier,
      conversation.documentIdentifier, orNull(conversation.messageReference), orNull(conversation.messageTitle),
      orNull(conversation.externalSystemReference), toMs(at), toMsOrNull(conversation.expiry), conversation.direction,
      conversation.serviceIdentifier, conversation.pollable ? 1 : 0,
    ],
  );
  return result.lastId;
}

const byMessage = (messageId: string, direction?: string): Where => new Where().eq('c.message_id', messageId).eq('c.direction', direction);

type ConversationPatch = Parameters<Store['updateConversation']>[1];

function patchAssignments(patch: ConversationPatch): { sets: string[]; params: SqlValue[] } {
  const sets: string[] = [];
  const params: SqlValue[] = [];
  const set = (column: string, value: SqlValue | undefined) => {
    if (value === undefined) return;
    sets.push(`${column} = ?`);
    params.push(value);
  };
  set('message_reference', patch.messageReference);
  set('message_title', patch.messageTitle);
  set('external_system_reference', patch.externalSystemReference);
  set('pollable', patch.pollable === undefined ? undefined : Number(patch.pollable));
  set('expiry', patch.expiry === undefined ? undefined : toMs(patch.expiry));
  return { sets, params };
}

function listConversations(ctx: StoreContext, filter: ConversationFilter, page: Parameters<Store['listConversations']>[1]) {
  const where = new Where()
    .eq('c.message_id', filter.messageId)
    .eq('c.conversation_id', filter.conversationId)
    .eq('c.receiver', filter.receiver)
    .eq('c.receiver_identifier', filter.receiverIdentifier)
    .eq('c.sender', filter.sender)
    .eq('c.sender_identifier', filter.senderIdentifier)
    .eq('c.service_identifier', filter.serviceIdentifier)
    .eq('c.message_reference', filter.messageReference)
    .eq('c.message_title', filter.messageTitle)
    .eq('c.pollable', filter.pollable)
    .eq('c.finished', filter.finished)
    .eq('c.direction', filter.direction);
  if (filter.lastUpdateFrom) where.add('c.last_update >= ?', toMs(filter.lastUpdateFrom));
  if (filter.lastUpdateTo) where.add('c.last_update <= ?', toMs(filter.lastUpdateTo));
  return selectPage(ctx.db.reader, { columns: 'c.*', from: 'conversations c', where, entity: CONVERSATION_SORT, request: page, map: toConversation });
}

async function listConversationsAfter(ctx: StoreContext, where: Where, afterId: number, limit: number): Promise<ConversationRecord[]> {
  where.add('c.id > ?', afterId);
  const rows = await ctx.db.reader.all<ConversationRow>(`SELECT c.* FROM conversations c${where.sql} ORDER BY c.id LIMIT ?`, [...where.params, limit]);
  return rows.map(toConversation);
}

type ConversationMethods = Pick<Store,
  'ensureConversation' | 'findConversationById' | 'findConversationByMessageId' | 'listConversations' |
  'updateConversation' | 'deleteConversation' | 'deleteConversationByMessageId' | 'listExpiredConversations' |
  'listPollableConversations'>;

export function conversationMethods(ctx: StoreContext): ConversationMethods {
  return {
    ensureConversation: (conversation, at) =>
      ctx.db.write(async (tx) => {
        const where = byMessage(conversation.messageId, conversation.direction);
        const existing = await findConversation(tx, where);
        if (existing) return existing;
        const id = await insertConversation(tx, conversation, at);
        const created = await findConversation(tx, new Where().eq('c.id', id));
        if (!created) throw new Error('conversation vanished inside its own transaction');
        return created;
      }),
    findConversationById: (id) => findConversation(ctx.db.reader, new Where().eq('c.id', id)),
    // Without a direction the oldest row wins, which is the only one unless the message went both ways.
    findConversationByMessageId: (messageId, direction) => findConversation(ctx.db.reader, byMessage(messageId, direction)),
    listConversations: (filter, page) => listConversations(ctx, filter, page),
    updateConversation: async (id, patch) => {
      const { sets, params } = patchAssignments(patch);
      if (sets.length === 0) return;
      await ctx.db.write((tx) => tx.run(`UPDATE conversations SET ${sets.join(', ')} WHERE id = ?`, [...params, id]));
    },
    deleteConversation: async (id) => {
      await ctx.db.write((tx) => tx.run('DELETE FROM conversations WHERE id = ?', [id]));
    },
    deleteConversationByMessageId: async (messageId) => {
      await ctx.db.write((tx) => tx.run('DELETE FROM conversations WHERE message_id = ?', [messageId]));
    },
    listExpiredConversations: (now, afterId, limit) =>
      listConversationsAfter(ctx, new Where().add('c.finished = 0').add('c.expiry < ?', toMs(now)), afterId, limit),
    listPollableConversations: (service, afterId, limit) =>
      listConversationsAfter(ctx, new Where().add('c.pollable = 1').eq('c.direction', 'OUTGOING').eq('c.service_identifier', service), afterId, limit),
  };
}
