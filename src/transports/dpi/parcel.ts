import type { FileRecord } from '../../store/index.js';
import { PermanentSendError } from '../port.js';

// Which uploaded file plays which part in the dokumentpakke (transports notes §4.3; the reference's
// MeldingsformidlerRequestFactory): the primary document, the attachments, and the metadata files
// (`digital.metadataFiler`: document name → metadata file name) that enrich a document in the mailbox
// and are no document of their own.

export interface ParcelDocument {
  file: FileRecord;
  /** The upload title; the reference writes "Missing title" when there is none. */
  title: string;
  metadata?: FileRecord;
}

export interface Parcel {
  main: ParcelDocument;
  attachments: ParcelDocument[];
  /** The metadata files, the primary document's first; each once. */
  metadataFiles: FileRecord[];
}

const MISSING_TITLE = 'Missing title';

export function parcelOf(files: readonly FileRecord[], hoveddokument: string | undefined, metadataFiler: Readonly<Record<string, unknown>>): Parcel {
  const byName = new Map(files.map((f) => [f.filename, f]));
  const metadataOf = (file: FileRecord): FileRecord | undefined => {
    const name = metadataFiler[file.filename];
    if (typeof name !== 'string') return undefined;
    const metadata = byName.get(name);
    if (metadata === undefined) throw new PermanentSendError(`Metadata document ${name} specified for ${file.filename}, but is not attached`);
    return metadata;
  };
  const metadataNames = new Set(Object.values(metadataFiler).filter((v): v is string => typeof v === 'string'));
  const mainFile = files.find((f) => f.primaryDocument) ?? (hoveddokument === undefined ? undefined : byName.get(hoveddokument));
  if (mainFile === undefined) throw new PermanentSendError('Missing a primary document. Please specify the hoveddokument property');
  const document = (file: FileRecord): ParcelDocument => {
    const metadata = metadataOf(file);
    return { file, title: file.title !== undefined && file.title.trim() !== '' ? file.title : MISSING_TITLE, ...(metadata ? { metadata } : {}) };
  };
  const main = document(mainFile);
  const attachments = files.filter((f) => f !== mainFile && !metadataNames.has(f.filename)).map(document);
  const metadataFiles: FileRecord[] = [];
  for (const d of [main, ...attachments]) {
    if (d.metadata !== undefined && !metadataFiles.includes(d.metadata)) metadataFiles.push(d.metadata);
  }
  return { main, attachments, metadataFiles };
}
