import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY_POLICY, nextAttemptAt } from '../../../src/engine/webhooks/retry-policy.js';

const policy = { maxAttempts: 5, initialBackoffMs: 1_000, backoffMultiplier: 3, maxBackoffMs: 20_000 };

describe(backoffMs.name, () => {
  it('grows by the multiplier from the initial wait and stops at the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy))).toEqual([1_000, 3_000, 9_000, 20_000, 20_000]);
  });

  it('defaults to a multiplier of 3 capped at one hour', () => {
    expect(DEFAULT_RETRY_POLICY.backoffMultiplier).toBe(3);
    expect(backoffMs(50, DEFAULT_RETRY_POLICY)).toBe(3_600_000);
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
