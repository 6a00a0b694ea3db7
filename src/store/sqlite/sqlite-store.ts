import { BlobStore } from '../blobs.js';
import type { BlobCipher, Store } from '../port.js';
import type { StoreContext } from './context.js';
import { conversationMethods } from './conversations.js';
import { SqliteDatabase } from './database.js';
import { fileMethods } from './files.js';
import { messageMethods } from './messages.js';
import { outboxMethods } from './outbox.js';
import { statusMethods } from './statuses.js';
import { subscriptionMethods } from './subscriptions.js';
import { webhookMethods } from './webhooks.js';

export interface SqliteStoreOptions {
  /** The database file; its directory is created when missing. */
  file: string;
  /** Where payload blobs live; owned by this store alone. */
  blobDir: string;
  blobCipher?: BlobCipher;
}

// The store takes no Clock: every time it records is passed in by the caller, who read its Clock.

/** Opens (creating and migrating when needed) the embedded store, and clears what a crash left behind. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const blobs = new BlobStore(options.blobDir, options.blobCipher);
  await blobs.init();
  const db = await SqliteDatabase.open(options.file);
  try {
    const rows = await db.reader.all<{ identifier: string }>('SELECT identifier FROM files');
    const referenced = new Set(rows.map((r) => r.identifier));
    await blobs.sweep((name) => referenced.has(name));
  } catch (err) {
    await db.close();
    throw err;
  }
  const ctx: StoreContext = { db, blobs };
  return {
    ping: async () => {
      await db.reader.get('SELECT 1');
    },
    close: () => db.close(),
    ...messageMethods(ctx),
    ...fileMethods(ctx),
    ...conversationMethods(ctx),
    ...statusMethods(ctx),
    ...subscriptionMethods(ctx),
    ...webhookMethods(ctx),
    ...outboxMethods(ctx),
  };
}
