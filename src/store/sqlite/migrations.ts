import { StoreSchemaTooNewError } from '../errors.js';
import type { SqlExecutor } from './connection.js';

// The schema, versioned in code. A migration is never edited once released: a change is a new entry.
// Times are epoch milliseconds (INTEGER) everywhere, booleans 0/1. Ids that clients see (conversation,
// status, subscription) use AUTOINCREMENT so a deleted row's id is never handed out again.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  direction TEXT NOT NULL CHECK (direction IN ('OUTGOING', 'INCOMING')),
  message_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  service_identifier TEXT NOT NULL,
  process_identifier TEXT NOT NULL,
  document_type TEXT NOT NULL,
  sender_identifier TEXT NOT NULL,
  receiver_identifier TEXT,
  sbd TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('DRAFT', 'QUEUED', 'RECEIVED')),
  locked_until INTEGER,
  expiry INTEGER,
  created_at INTEGER NOT NULL,
  last_updated INTEGER NOT NULL,
  UNIQUE (direction, message_id)
);
CREATE INDEX messages_peek ON messages (direction, state, last_updated, id);
CREATE INDEX messages_conversation_id ON messages (conversation_id);

CREATE TABLE files (
  id INTEGER PRIMARY KEY,
  message_row INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  identifier TEXT NOT NULL UNIQUE,
  dokumentnummer INTEGER NOT NULL,
  title TEXT,
  filename TEXT NOT NULL,
  mimetype TEXT NOT NULL,
  size INTEGER NOT NULL,
  primary_document INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (message_row, filename),
  UNIQUE (message_row, dokumentnummer)
);

CREATE TABLE conversations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  sender TEXT,
  sender_identifier TEXT,
  receiver TEXT,
  receiver_identifier TEXT,
  process_identifier TEXT NOT NULL,
  document_identifier TEXT NOT NULL,
  message_reference TEXT,
  message_title TEXT,
  external_system_reference TEXT,
  last_update INTEGER NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0,
  expiry INTEGER,
  direction TEXT NOT NULL CHECK (direction IN ('OUTGOING', 'INCOMING')),
  service_identifier TEXT NOT NULL,
  pollable INTEGER NOT NULL DEFAULT 0,
  UNIQUE (message_id, direction)
);
CREATE INDEX conversations_last_update ON conversations (last_update);
CREATE INDEX conversations_conversation_id ON conversations (conversation_id);
CREATE INDEX conversations_pollable ON conversations (pollable, last_update);
CREATE INDEX conversations_open_expiry ON conversations (finished, expiry);

CREATE TABLE message_statuses (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conv_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  description TEXT,
  raw_receipt TEXT,
  last_update INTEGER NOT NULL,
  UNIQUE (conv_id, status)
);
CREATE INDEX message_statuses_last_update ON message_statuses (last_update);
CREATE INDEX message_statuses_status ON message_statuses (status);

CREATE TABLE status_queue (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  status_id INTEGER NOT NULL UNIQUE REFERENCES message_statuses (id) ON DELETE CASCADE
);

CREATE TABLE subscriptions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  push_endpoint TEXT NOT NULL,
  resource TEXT NOT NULL,
  event TEXT NOT NULL,
  filter TEXT,
  secret TEXT
);
CREATE INDEX subscriptions_name_endpoint ON subscriptions (name, push_endpoint);

CREATE TABLE webhook_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  fanned_out INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_events_pending ON webhook_events (fanned_out, id);

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id INTEGER NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  webhook_id TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id);
`,
  },
  {
    version: 2,
    name: 'outbox',
    // The outbox (engine/outbox): queued outgoing messages carry their delivery bookkeeping in their
    // own row, and the status messages sent back to a sender (MOTTATT, LEVERT) get a queue of their own,
    // since they reuse the original messageId (api notes §4.6) and both can be waiting at once, which
    // the (direction, message_id) key of messages cannot hold. A lease (owner + until) is how a worker
    // claims a row; a crashed worker's lease simply runs out.
    sql: `
ALTER TABLE messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE messages ADD COLUMN last_error TEXT;
ALTER TABLE messages ADD COLUMN lease_owner TEXT;
ALTER TABLE messages ADD COLUMN lease_until INTEGER;
ALTER TABLE messages ADD COLUMN transport_state TEXT;
CREATE INDEX messages_outbox ON messages (direction, state, service_identifier, next_attempt_at);

CREATE TABLE status_messages (
  id INTEGER PRIMARY KEY,
  status TEXT NOT NULL,
  message_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  service_identifier TEXT NOT NULL,
  process_identifier TEXT NOT NULL,
  document_type TEXT NOT NULL,
  sender_identifier TEXT NOT NULL,
  receiver_identifier TEXT,
  sbd TEXT NOT NULL,
  expiry INTEGER,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error TEXT,
  lease_owner TEXT,
  lease_until INTEGER,
  transport_state TEXT,
  UNIQUE (message_id, status)
);
CREATE INDEX status_messages_due ON status_messages (service_identifier, next_attempt_at);
`,
  },
];

const SCHEMA_MIGRATIONS_DDL =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)';

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    const previous = migrations[i - 1];
    if (previous && m.version <= previous.version) {
      throw new TypeError(`migrations out of order: ${m.version} follows ${previous.version}`);
    }
  });
}

/**
 * Brings the schema up to the newest known version. Runs inside the caller's write transaction, so a
 * failing migration leaves the database as it was. Returns the versions applied now.
 */
export async function applyMigrations(tx: SqlExecutor, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  assertOrdered(migrations);
  await tx.exec(SCHEMA_MIGRATIONS_DDL);
  const row = await tx.get<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
  const current = row?.version ?? 0;
  const known = migrations.at(-1)?.version ?? 0;
  if (current > known) throw new StoreSchemaTooNewError(current, known);
  const applied: number[] = [];
  for (const migration of migrations.filter((m) => m.version > current)) {
    await tx.exec(migration.sql);
    await tx.run('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [migration.version, migration.name]);
    applied.push(migration.version);
  }
  return applied;
}
