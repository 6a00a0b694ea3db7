import { createLogger } from '../../src/logging/index.js';
import type { AcceptOutcome, IncomingMessage, IncomingSink, SendContext } from '../../src/transports/index.js';

// Test doubles every transport's tests use: the outbox's side of a send and the inbox's side of a poll.

/** A SendContext whose saved state lives in `state`, as the outbox keeps it between attempts; `saved` lists each save. */
export function sendContext(state: Record<string, string> = {}): SendContext & { saved: Record<string, string>[] } {
  const saved: Record<string, string>[] = [];
  return {
    signal: new AbortController().signal,
    log: createLogger({ level: 'silent' }),
    state,
    saved,
    saveState(next) {
      saved.push({ ...next });
      Object.assign(state, next);
      return Promise.resolve();
    },
  };
}

export interface Received {
  sbd: IncomingMessage['sbd'];
  asic?: Buffer;
  encrypted?: boolean;
}

/** A sink that keeps what it is given; `answer` decides each outcome (or throws). */
export function recordingSink(answer: (incoming: IncomingMessage) => AcceptOutcome = () => 'stored'): IncomingSink & { received: Received[]; receiptsApplied: IncomingMessage['sbd'][] } {
  const received: Received[] = [];
  const receiptsApplied: IncomingMessage['sbd'][] = [];
  return {
    received,
    receiptsApplied,
    async applyReceipt(sbd) {
      receiptsApplied.push(sbd);
    },
    async accept(incoming) {
      const outcome = answer(incoming);
      const chunks: Buffer[] = [];
      if (incoming.asic) for await (const chunk of incoming.asic.content) chunks.push(chunk as Buffer);
      received.push(incoming.asic ? { sbd: incoming.sbd, asic: Buffer.concat(chunks), encrypted: incoming.asic.encrypted } : { sbd: incoming.sbd });
      return outcome;
    },
  };
}
