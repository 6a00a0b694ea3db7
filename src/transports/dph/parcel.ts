import { businessMessageOf, DPH_MIME_TYPES, primaryDocumentNameOf, typeOf } from '../../domain/index.js';
import type { FileRecord } from '../../store/index.js';
import { PermanentSendError, type OutgoingMessage } from '../port.js';
import { checkSizeLimit } from '../send-rules.js';

// The files of a DPH message, checked and in ASiC-E order (transports notes §4.2 step 3, api notes §3.6,
// §5.3, §5.4): the primary document (the dialogmelding XML named by `hoveddokument`) first, then the
// attachments by dokumentnummer. The upload already refused what breaks these rules; they are checked
// again here because a message may have been stored under laxer settings, and the nhn-adapter would
// refuse it only after the whole package had been sent.

export function orderedFiles(outgoing: OutgoingMessage, maxBytes: number): FileRecord[] {
  const { sbd } = outgoing.message;
  checkSizeLimit(outgoing, 'DPH', maxBytes);
  const byNumber = [...outgoing.files].sort((a, b) => a.dokumentnummer - b.dokumentnummer);
  if (typeOf(sbd) !== 'dialogmelding') {
    if (byNumber.length > 0) throw new PermanentSendError('a DPH application receipt carries no files');
    return [];
  }
  const primaryName = primaryDocumentNameOf(sbd);
  const primary = byNumber.find((f) => f.filename === primaryName);
  if (primary === undefined) throw new PermanentSendError(`the dialogmelding has no primary document among its files (hoveddokument ${primaryName ?? 'is not set'})`);
  const attachments = byNumber.filter((f) => f !== primary);
  const metadata = metadataFilerOf(businessMessageOf(sbd)?.metadataFiler);
  for (const file of attachments) {
    if (!metadata.has(file.filename)) throw new PermanentSendError(`the attachment ${file.filename} is not listed in metadataFiler`);
    if (!DPH_MIME_TYPES.includes(file.mimetype)) throw new PermanentSendError(`the attachment ${file.filename} is ${file.mimetype}; DPH takes PDF, PNG and JPEG attachments`);
  }
  return [primary, ...attachments];
}

function metadataFilerOf(value: unknown): Set<string> {
  return new Set(typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : []);
}
