import type { BlobStore } from '../blobs.js';
import type { SqliteDatabase } from './database.js';

/** What the method groups of the SQLite store share. */
export interface StoreContext {
  db: SqliteDatabase;
  blobs: BlobStore;
}
