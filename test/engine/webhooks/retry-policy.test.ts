import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../../src/engine/schedule/index.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/engine/webhooks/index.js';

describe('DEFAULT_RETRY_POLICY', () => {
  it('defaults to a multiplier of 3 capped at one hour', () => {
    expect(DEFAULT_RETRY_POLICY.backoffMultiplier).toBe(3);
    expect(backoffMs(50, DEFAULT_RETRY_POLICY)).toBe(3_600_000);
  });
});
