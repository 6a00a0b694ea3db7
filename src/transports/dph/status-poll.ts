import type { ReceiptStatus } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import type { ConversationRecord } from '../../store/index.js';
import type { StatusUpdate } from '../port.js';
import type { AdapterClient, AdapterStatus } from './adapter-client.js';
import { DphAdapterRefusedError, DphUnknownHerIdError } from './errors.js';
import type { DphParties } from './parties.js';
import type { DphTokens } from './tokens.js';

// Status polling per sent message (transports notes §5.6 Status, api notes §4.3): the adapter reports,
// per receiver, NHN's transport state and the receiver's application receipt. The transport's
// ACKNOWLEDGED is MOTTATT and its REJECTED is FEIL; an application receipt OK is LEVERT, REJECTED or
// OK_ERROR_IN_MESSAGE_PART is FEIL. Polling stops at LEVERT or FEIL. The token acts for the
// organisation behind the sending HER id, as for the send.

export interface StatusPollDeps {
  adapter: AdapterClient;
  tokens: DphTokens;
  parties: DphParties;
  /** Conversations asked about at once. */
  concurrency: number;
  log: Logger;
}

// The reference's texts, spelling included, since clients may show or match them.
const MOTTATT = { status: 'MOTTATT', description: 'Transport acknowledge received' } as const;
const TRANSPORT_REJECTED = { status: 'FEIL', description: 'Message rejected in transport' } as const;
const LEVERT = { status: 'LEVERT', description: 'Application receipt has been recieved.' } as const;
const APPLICATION_REJECTED = { status: 'FEIL', description: 'Message has been rejected by the application' } as const;

const STOP_AT = new Set<ReceiptStatus>(['LEVERT', 'FEIL']);

/** The statuses one adapter answer means, in order. */
export function statusUpdatesOf(statuses: readonly AdapterStatus[]): StatusUpdate[] {
  const updates: StatusUpdate[] = [];
  for (const status of statuses) {
    const rawReceipt = JSON.stringify(status);
    const transport = normalised(status.transportStatus);
    const receipt = status.apprecStatus === undefined || status.apprecStatus === null ? undefined : normalised(status.apprecStatus);
    const mapped: { status: ReceiptStatus; description: string }[] = [];
    if (transport === 'rejected') mapped.push(TRANSPORT_REJECTED);
    else if (transport === 'acknowledged' || receipt !== undefined) mapped.push(MOTTATT);
    if (transport !== 'rejected' && receipt === 'ok') mapped.push(LEVERT);
    else if (transport !== 'rejected' && (receipt === 'rejected' || receipt === 'okerrorinmessagepart')) mapped.push(APPLICATION_REJECTED);
    updates.push(...mapped.map((m) => ({ ...m, rawReceipt, ...(STOP_AT.has(m.status) ? { keepPolling: false } : {}) })));
  }
  return updates;
}

/** The adapter names its enums by constant (ACKNOWLEDGED) or by value (Acknowledged); both are read. */
function normalised(value: string): string {
  return value.replace(/_/g, '').toLowerCase();
}

export async function pollDphStatuses(
  deps: StatusPollDeps,
  conversations: readonly ConversationRecord[],
  signal: AbortSignal,
): Promise<Map<number, StatusUpdate[]>> {
  const updates = new Map<number, StatusUpdate[]>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < conversations.length; i = next++) {
      signal.throwIfAborted();
      const conversation = conversations[i];
      if (conversation === undefined) continue;
      const statuses = await statusesOf(deps, conversation, signal);
      const mapped = statusUpdatesOf(statuses ?? []);
      if (mapped.length > 0) updates.set(conversation.id, mapped);
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency, conversations.length) }, worker));
  return updates;
}

async function statusesOf(deps: StatusPollDeps, conversation: ConversationRecord, signal: AbortSignal): Promise<AdapterStatus[] | undefined> {
  const nhnId = conversation.externalSystemReference;
  const herId = /^her-id:([1-9]\d*)$/.exec(conversation.senderIdentifier ?? '')?.[1];
  const log = deps.log.child({ messageId: conversation.messageId, conversationId: conversation.conversationId });
  if (nhnId === undefined || herId === undefined) {
    log.warn('DPH conversation without NHN message id or sending HER id; its status cannot be asked for');
    return undefined;
  }
  try {
    const token = await deps.tokens.forOrganisation(await deps.parties.organisationOf(herId));
    return await deps.adapter.statuses(nhnId, token, signal);
  } catch (error) {
    // One refused query must not hold up the others; an adapter that is down stops the run.
    if (!(error instanceof DphAdapterRefusedError) && !(error instanceof DphUnknownHerIdError)) throw error;
    log.warn({ code: error.code, nhnId }, 'DPH status query refused');
    return undefined;
  }
}
