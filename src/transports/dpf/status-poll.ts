import type { Logger } from '../../logging/index.js';
import type { ConversationRecord } from '../../store/index.js';
import type { StatusUpdate } from '../port.js';
import type { BasicCredentials, FiksCredentials } from './credentials.js';
import type { ForsendelseNotes } from './forsendelse-notes.js';
import type { SvarUtClient } from './svarut-client.js';

// DPF status polling (transports notes §5.4, api notes §4.3): per sending organisation, SvarUt is asked
// for the status of its forsendelser. Only LEST means anything to us; it ends the polling. A message
// whose forsendelse SvarUt does not know gets FEIL, as in the reference.

export interface DpfStatusPoller {
  client: SvarUtClient;
  credentials: FiksCredentials;
  notes: ForsendelseNotes;
  ownOrgNumber: string;
  log: Logger;
}

const LEST = 'LEST';
const UNKNOWN_FORSENDELSE: StatusUpdate = { status: 'FEIL', description: 'forsendelseId finnes ikke i SvarUt.', keepPolling: false };

export async function pollDpfStatuses(poller: DpfStatusPoller, conversations: readonly ConversationRecord[], signal: AbortSignal): Promise<Map<number, StatusUpdate[]>> {
  const updates = new Map<number, StatusUpdate[]>();
  for (const [orgnr, group] of bySender(conversations, poller.ownOrgNumber)) {
    const user = poller.credentials.forOrganisation(orgnr);
    if (user === undefined) {
      poller.log.warn({ orgnr, conversations: group.length }, 'no SvarUt credentials for the sender; DPF statuses not polled');
      continue;
    }
    try {
      await pollGroup(poller, user, group, updates, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      poller.log.warn({ orgnr, err: error }, 'SvarUt statuses unavailable; asking again next poll');
    }
  }
  return updates;
}

async function pollGroup(poller: DpfStatusPoller, user: BasicCredentials, group: readonly ConversationRecord[], updates: Map<number, StatusUpdate[]>, signal: AbortSignal): Promise<void> {
  const byForsendelse = new Map<string, ConversationRecord>();
  for (const conversation of group) {
    const id = await forsendelseIdOf(poller, user, conversation.messageId, signal);
    if (id === undefined) {
      updates.set(conversation.id, [UNKNOWN_FORSENDELSE]);
      continue;
    }
    byForsendelse.set(id, conversation);
  }
  if (byForsendelse.size === 0) return;
  const statuses = await poller.client.retrieveForsendelseStatuser(user, [...byForsendelse.keys()], signal);
  for (const { forsendelsesid, status } of statuses) {
    const conversation = byForsendelse.get(forsendelsesid);
    if (conversation === undefined || status !== LEST) continue;
    updates.set(conversation.id, [{ status: 'LEST', keepPolling: false }]);
    await poller.notes.forget(conversation.messageId);
  }
}

/** The noted forsendelse, else the one SvarUt has for the messageId as eksternref. */
async function forsendelseIdOf(poller: DpfStatusPoller, user: BasicCredentials, messageId: string, signal: AbortSignal): Promise<string | undefined> {
  const noted = await poller.notes.find(messageId);
  if (noted !== undefined) return noted;
  const [found] = await poller.client.retrieveForsendelseIdByEksternRef(user, messageId, signal);
  if (found !== undefined) await poller.notes.note(messageId, found);
  return found;
}

function bySender(conversations: readonly ConversationRecord[], ownOrgNumber: string): Map<string, ConversationRecord[]> {
  const groups = new Map<string, ConversationRecord[]>();
  for (const conversation of conversations) {
    const orgnr = conversation.senderIdentifier ?? ownOrgNumber;
    groups.set(orgnr, [...(groups.get(orgnr) ?? []), conversation]);
  }
  return groups;
}
