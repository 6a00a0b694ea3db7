import type { ServiceIdentifier } from '../../domain/index.js';
import type { AddStatusOptions, OutboxClaim, OutboxEntry, OutboxOutcome, OutboxRef, StatusChange, Store } from '../port.js';
import type { SqlExecutor, SqlValue } from './connection.js';
import type { StoreContext } from './context.js';
import { findConversation } from './conversations.js';
import { Where } from './query.js';
import {
  orNull, toMessage, toMs, toMsOrNull, toStatusMessage, type MessageRow, type StatusMessageRow,
} from './rows.js';
import { registerStatus } from './statuses.js';

// The outbox over two tables: QUEUED outgoing messages (their bookkeeping columns live in the message
// row) and status_messages. A claim is a lease: owner + until, set in the same write transaction that
// selected the rows, so two workers (or two processes on one file) never hold one entry at once.

interface Queue {
  table: string;
  /** Conditions that make a row of this table an outbox entry at all. */
  scope: string;
}

const QUEUES: Record<OutboxRef['kind'], Queue> = {
  message: { table: 'messages', scope: "direction = 'OUTGOING' AND state = 'QUEUED'" },
  status: { table: 'status_messages', scope: '1 = 1' },
};

type OutboxRow = (MessageRow | StatusMessageRow) & { attempts: number; transport_state: string | null };

function parseState(text: string | null): Record<string, string> {
  if (text === null) return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function toEntry(kind: OutboxRef['kind'], row: OutboxRow): OutboxEntry {
  const message = kind === 'message' ? toMessage(row as MessageRow) : toStatusMessage(row as StatusMessageRow);
  return {
    ref: { kind, id: row.id, messageId: message.messageId },
    message,
    attempts: row.attempts,
    transportState: parseState(row.transport_state),
  };
}

const placeholders = (values: readonly unknown[]): string => values.map(() => '?').join(', ');

async function claimFrom(tx: SqlExecutor, kind: OutboxRef['kind'], claim: OutboxClaim, limit: number): Promise<OutboxEntry[]> {
  if (limit <= 0 || claim.services.length === 0) return [];
  const { table, scope } = QUEUES[kind];
  const now = toMs(claim.now);
  const leaseUntil = now + claim.leaseMs;
  // A lease further ahead than any this clock could have granted was granted by a clock that has since
  // been set back (or a daemon whose clock runs far ahead): waiting for it could take days.
  const staleAfter = now + 2 * claim.leaseMs;
  const rows = await tx.all<OutboxRow>(
    `SELECT * FROM ${table} WHERE ${scope} AND service_identifier IN (${placeholders(claim.services)})
       AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
       AND (lease_until IS NULL OR lease_until <= ? OR lease_until > ?)
     ORDER BY id LIMIT ?`,
    [...claim.services, now, now, staleAfter, limit],
  );
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  await tx.run(`UPDATE ${table} SET lease_owner = ?, lease_until = ? WHERE id IN (${placeholders(ids)})`, [claim.owner, leaseUntil, ...ids]);
  return rows.map((row) => toEntry(kind, row));
}

async function claimOutbox(ctx: StoreContext, claim: OutboxClaim): Promise<OutboxEntry[]> {
  return ctx.db.write(async (tx) => {
    // Status messages get the first half of the batch, messages the rest, and status messages any room
    // left: a flood of either kind leaves the other its share.
    const statuses = await claimFrom(tx, 'status', claim, Math.ceil(claim.limit / 2));
    const messages = await claimFrom(tx, 'message', claim, claim.limit - statuses.length);
    const more = await claimFrom(tx, 'status', claim, claim.limit - statuses.length - messages.length);
    return [...statuses, ...messages, ...more];
  });
}

async function finishOutbox(ctx: StoreContext, ref: OutboxRef, outcome: OutboxOutcome, options?: AddStatusOptions): Promise<StatusChange[]> {
  const { changes, blobs } = await ctx.db.write(async (tx) => {
    const { table, scope } = QUEUES[ref.kind];
    const row = await tx.get<{ id: number }>(`SELECT id FROM ${table} WHERE ${scope} AND id = ? AND message_id = ?`, [ref.id, ref.messageId]);
    if (!row) return { changes: [], blobs: [] };
    const recorded: StatusChange[] = [];
    const conversation = await findConversation(tx, new Where().eq('c.message_id', ref.messageId).eq('c.direction', 'OUTGOING'));
    if (conversation) {
      // The outcome first: a status registered after it (LEST, say) may still switch polling off.
      await patchConversation(tx, conversation.id, outcome.conversation ?? {});
      for (const status of outcome.statuses) {
        const change = await registerStatus(tx, conversation.id, status, options);
        if (change) recorded.push(change);
      }
    }
    const files = ref.kind === 'message'
      ? await tx.all<{ identifier: string }>('SELECT identifier FROM files WHERE message_row = ?', [ref.id])
      : [];
    await tx.run(`DELETE FROM ${table} WHERE id = ?`, [ref.id]);
    return { changes: recorded, blobs: files.map((f) => f.identifier) };
  });
  // After the commit, as deleteMessage does: a crash in between leaves blobs the next open sweeps.
  await ctx.blobs.remove(blobs);
  return changes;
}

async function patchConversation(tx: SqlExecutor, id: number, patch: NonNullable<OutboxOutcome['conversation']>): Promise<void> {
  const sets: string[] = [];
  const params: SqlValue[] = [];
  if (patch.externalSystemReference !== undefined) {
    sets.push('external_system_reference = ?');
    params.push(patch.externalSystemReference);
  }
  if (patch.pollable !== undefined) {
    sets.push('pollable = ?');
    params.push(Number(patch.pollable));
  }
  if (sets.length > 0) await tx.run(`UPDATE conversations SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
}

async function nextOutboxDueAt(ctx: StoreContext, services: readonly ServiceIdentifier[]): Promise<Date | undefined> {
  if (services.length === 0) return undefined;
  let earliest: number | undefined;
  for (const { table, scope } of Object.values(QUEUES)) {
    const row = await ctx.db.reader.get<{ at: number | null }>(
      `SELECT MIN(MAX(COALESCE(next_attempt_at, 0), COALESCE(lease_until, 0))) AS at FROM ${table}
       WHERE ${scope} AND service_identifier IN (${placeholders(services)})`,
      [...services],
    );
    if (row?.at != null && (earliest === undefined || row.at < earliest)) earliest = row.at;
  }
  return earliest === undefined ? undefined : new Date(earliest);
}

type OutboxMethods = Pick<Store,
  'queueStatusMessage' | 'claimOutbox' | 'renewOutboxLeases' | 'saveOutboxState' | 'retryOutbox' | 'finishOutbox' | 'nextOutboxDueAt'>;

export function outboxMethods(ctx: StoreContext): OutboxMethods {
  return {
    queueStatusMessage: async (m, at) => {
      const result = await ctx.db.write((tx) => tx.run(
        `INSERT INTO status_messages (status, message_id, conversation_id, service_identifier, process_identifier, document_type,
           sender_identifier, receiver_identifier, sbd, expiry, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, status) DO NOTHING`,
        [
          m.status, m.messageId, m.conversationId, m.serviceIdentifier, m.processIdentifier, m.documentType, m.senderIdentifier,
          orNull(m.receiverIdentifier), JSON.stringify(m.sbd), toMsOrNull(m.expiry), toMs(at),
        ],
      ));
      return result.changes > 0;
    },
    claimOutbox: (claim) => claimOutbox(ctx, claim),
    renewOutboxLeases: async (owner, leaseUntil) => {
      await ctx.db.write(async (tx) => {
        for (const { table } of Object.values(QUEUES)) {
          await tx.run(`UPDATE ${table} SET lease_until = ? WHERE lease_owner = ?`, [toMs(leaseUntil), owner]);
        }
      });
    },
    saveOutboxState: async (ref, owner, state) => {
      const result = await ctx.db.write((tx) => tx.run(
        `UPDATE ${QUEUES[ref.kind].table} SET transport_state = ? WHERE id = ? AND lease_owner = ?`,
        [JSON.stringify(state), ref.id, owner],
      ));
      return result.changes > 0;
    },
    retryOutbox: async (ref, owner, failure) => {
      const result = await ctx.db.write((tx) => tx.run(
        `UPDATE ${QUEUES[ref.kind].table} SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL
         WHERE id = ? AND lease_owner = ?`,
        [failure.error, toMs(failure.nextAttemptAt), ref.id, owner],
      ));
      return result.changes > 0;
    },
    finishOutbox: (ref, outcome, options) => finishOutbox(ctx, ref, outcome, options),
    nextOutboxDueAt: (services) => nextOutboxDueAt(ctx, services),
  };
}
