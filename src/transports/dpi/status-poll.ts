import type { ReceiptStatus } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import type { ConversationRecord } from '../../store/index.js';
import type { StatusUpdate } from '../port.js';
import type { Corner2Client, Corner2Status } from './corner2-client.js';
import { DpiCorner2RefusedError } from './errors.js';
import type { DpiTokens } from './tokens.js';

// Status polling per outgoing message (transports notes §5.3 "Status polling", api notes §4.3): corner 2's
// OPPRETTET means it has the message (SENDT), SENDT means corner 3 has it (MOTTATT), FEILET is FEIL.
// Polling stops at MOTTATT; delivery and reading arrive as receipts.

export interface StatusPollDeps {
  corner2: Corner2Client;
  tokens: DpiTokens;
  /** Conversations asked about at once. */
  concurrency: number;
  log: Logger;
}

// The reference's texts, spelling included ("ha", not "har"), since clients may show or match them.
const MAPPING: Readonly<Record<string, { status: ReceiptStatus; description: string }>> = {
  OPPRETTET: { status: 'SENDT', description: 'Hjørne 2 ha mottatt meldingen' },
  SENDT: { status: 'MOTTATT', description: 'Hjørne 3 ha mottatt meldingen' },
  FEILET: { status: 'FEIL', description: 'Generell melding om at det har skjedd en feil' },
};
const UNKNOWN = { status: 'ANNET', description: 'Ukjent kvittering' } as const;
const STOP_AT = new Set<ReceiptStatus>(['MOTTATT', 'LEVERT', 'FEIL']);

export function statusUpdateOf(corner2: Corner2Status): StatusUpdate {
  const mapped = MAPPING[corner2.status] ?? UNKNOWN;
  return { ...mapped, rawReceipt: JSON.stringify(corner2), ...(STOP_AT.has(mapped.status) ? { keepPolling: false } : {}) };
}

export async function pollDpiStatuses(
  deps: StatusPollDeps,
  conversations: readonly ConversationRecord[],
  signal: AbortSignal,
): Promise<Map<number, StatusUpdate[]>> {
  const updates = new Map<number, StatusUpdate[]>();
  if (conversations.length === 0) return updates;
  const token = await deps.tokens.forReceiving();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < conversations.length; i = next++) {
      signal.throwIfAborted();
      const conversation = conversations[i];
      if (conversation === undefined) continue;
      const statuses = await deps.corner2.statuses(conversation.messageId, token, signal).catch((error: unknown) => {
        // One refused query must not hold up the others; a corner 2 that is down stops the run.
        if (!(error instanceof DpiCorner2RefusedError)) throw error;
        deps.log.warn({ messageId: conversation.messageId, code: error.code, status: error.status }, 'DPI status query refused');
        return undefined;
      });
      if (statuses !== undefined && statuses.length > 0) updates.set(conversation.id, statuses.map(statusUpdateOf));
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency, conversations.length) }, worker));
  return updates;
}
