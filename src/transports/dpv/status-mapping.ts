import type { StatusUpdate } from '../port.js';
import type { CorrespondenceOverview } from './correspondence-client.js';

// A correspondence overview as our statuses (transports notes §5.2 status polling; api notes §4.3): its
// `published` time gives LEVERT and its `read` time LEST; a purged correspondence, or one Altinn no longer
// has, gives ANNET and ends polling. A status Altinn may add later, or one that tells of a failure
// (Failed, Reserved), gives ANNET with Altinn's text and polling goes on, as the reference does. The
// engine ignores a status the conversation already has, so each poll may report all it sees.

const DELETED = 'Melding slettet i Altinn, stopper polling.';
const PURGED = new Set(['PurgedByRecipient', 'PurgedByAltinn']);
/** States on the way to (or past) publishing and reading, which the timestamps already report. */
const PROGRESS = new Set([
  'Initialized', 'ReadyForPublish', 'Published', 'Fetched', 'AttachmentsDownloaded', 'Read', 'Replied', 'Confirmed', 'Archived',
]);

export function statusUpdatesOf(overview: CorrespondenceOverview | undefined): StatusUpdate[] {
  if (overview === undefined) return [{ status: 'ANNET', description: DELETED, keepPolling: false }];
  const updates: StatusUpdate[] = [];
  if (overview.published !== undefined) updates.push({ status: 'LEVERT' });
  if (overview.read !== undefined) updates.push({ status: 'LEST', keepPolling: false });
  const { status } = overview;
  if (status === undefined || PROGRESS.has(status)) return updates;
  const description = overview.statusText ?? status;
  updates.push(PURGED.has(status) ? { status: 'ANNET', description, keepPolling: false } : { status: 'ANNET', description });
  return updates;
}
