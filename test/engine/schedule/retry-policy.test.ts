import { describe, expect, it } from 'vitest';
import { backoffMs, nextAttemptAt } from '../../../src/engine/schedule/index.js';

const policy = { maxAttempts: 5, initialBackoffMs: 1_000, backoffMultiplier: 3, maxBackoffMs: 20_000 };

describe(backoffMs.name, () => {
  it('grows by the multiplier from the initial wait and stops at the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy))).toEqual([1_000, 3_000, 9_000, 20_000, 20_000]);
  });
});

describe(nextAttemptAt.name, () => {
  const now = new Date('2019-03-25T11:38:23Z');

  it('schedules the next attempt after the backoff', () => {
    expect(nextAttemptAt(2, policy, now)).toEqual(new Date('2019-03-25T11:38:26Z'));
  });

  it('gives up once maxAttempts attempts have failed', () => {
    expect(nextAttemptAt(4, policy, now)).toBeInstanceOf(Date);
    expect(nextAttemptAt(5, policy, now)).toBeUndefined();
  });
});
