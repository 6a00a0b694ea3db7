import { randomUUID } from 'node:crypto';

// The id generator used exactly where the reference draws ids from its UUID generator (messageId,
// conversationId and scope ids filled in at create, ids of generated documents). The conformance
// harness pins it with `efm.uuid.sequence[n]` (CONTRACT.md §4). Correlation ids, webhook ids and names
// inside containers use `randomId` instead, so they never shift the sequence.
export interface IdGenerator {
  next(): string;
}

export const randomIds: IdGenerator = { next: () => randomUUID() };

/** Returns the given ids in order, then repeats the last one (CONTRACT.md §4). */
export function sequenceIds(sequence: readonly string[]): IdGenerator {
  if (sequence.length === 0) throw new TypeError('an id sequence needs at least one id');
  let i = 0;
  return {
    next: () => {
      const id = sequence[Math.min(i, sequence.length - 1)] as string;
      i++;
      return id;
    },
  };
}

export function randomId(): string {
  return randomUUID();
}
