import type { Readable } from 'node:stream';
import { DuplicateFilenameError, MessageNotFoundError, type Direction } from '../../domain/index.js';
import type { AddFileOptions, FileRecord, NewFile, Store } from '../port.js';
import type { SqlExecutor } from './connection.js';
import type { StoreContext } from './context.js';
import { orNull, toFile, toMs, type FileRow } from './rows.js';

const FILE_COLUMNS = `f.identifier, m.message_id, m.direction, f.dokumentnummer, f.title, f.filename, f.mimetype, f.size,
  f.primary_document, f.created_at`;

interface Owner {
  id: number;
  last_updated: number;
}

/** The message row that takes the file; throws when it is missing or already has that filename. */
async function checkOwner(db: SqlExecutor, direction: Direction, messageId: string, filename: string): Promise<Owner> {
  const owner = await db.get<Owner>('SELECT id, last_updated FROM messages WHERE direction = ? AND message_id = ?', [direction, messageId]);
  if (!owner) throw new MessageNotFoundError(messageId);
  const taken = await db.get('SELECT 1 FROM files WHERE message_row = ? AND filename = ?', [owner.id, filename]);
  if (taken) throw new DuplicateFilenameError(filename);
  return owner;
}

async function addFile(ctx: StoreContext, direction: Direction, messageId: string, file: NewFile, content: Readable, options: AddFileOptions): Promise<FileRecord> {
  // Checked before streaming too, so a doomed upload is refused without writing its bytes.
  await checkOwner(ctx.db.reader, direction, messageId, file.filename);
  const blob = await ctx.blobs.write(content, options);
  try {
    return await ctx.db.write(async (tx) => {
      const owner = await checkOwner(tx, direction, messageId, file.filename);
      const next = await tx.get<{ n: number }>('SELECT COALESCE(MAX(dokumentnummer), 0) + 1 AS n FROM files WHERE message_row = ?', [owner.id]);
      const record: FileRecord = {
        identifier: blob.name,
        messageId,
        direction,
        dokumentnummer: next?.n ?? 1,
        title: file.title,
        filename: file.filename,
        mimetype: file.mimetype,
        size: blob.size,
        primaryDocument: file.primaryDocument,
        createdAt: options.at ?? new Date(owner.last_updated),
      };
      await tx.run(
        `INSERT INTO files (message_row, identifier, dokumentnummer, title, filename, mimetype, size, primary_document, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [owner.id, record.identifier, record.dokumentnummer, orNull(record.title), record.filename, record.mimetype,
          record.size, record.primaryDocument ? 1 : 0, toMs(record.createdAt)],
      );
      return record;
    });
  } catch (err) {
    await ctx.blobs.remove([blob.name]);
    throw err;
  }
}

type FileMethods = Pick<Store, 'addFile' | 'listFiles' | 'openFile'>;

export function fileMethods(ctx: StoreContext): FileMethods {
  return {
    addFile: (direction, messageId, file, content, options) => addFile(ctx, direction, messageId, file, content, options),
    listFiles: async (direction, messageId) => {
      const rows = await ctx.db.reader.all<FileRow>(
        `SELECT ${FILE_COLUMNS} FROM files f JOIN messages m ON m.id = f.message_row
         WHERE m.direction = ? AND m.message_id = ? ORDER BY f.dokumentnummer`,
        [direction, messageId],
      );
      return rows.map(toFile);
    },
    openFile: (file) => ctx.blobs.open(file.identifier),
  };
}
