// When a failed push is tried again. The reference never retries (api notes §2.10: best effort, its docs
// promise three attempts); we retry with exponential backoff and then give up, since case systems must
// poll anyway. With the defaults the attempts come 10 s, 30 s, 1.5 min, 4.5 min, 13.5 min, 40.5 min and
// 1 h apart: eight attempts over about two hours.
export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failed one the delivery is dropped. */
  maxAttempts: number;
  initialBackoffMs: number;
  backoffMultiplier: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 8,
  initialBackoffMs: 10_000,
  backoffMultiplier: 3,
  maxBackoffMs: 60 * 60 * 1000,
});

/** The wait after the `failedAttempts`-th failure: initial × multiplier^(failedAttempts − 1), capped. */
export function backoffMs(failedAttempts: number, policy: RetryPolicy): number {
  const exponent = Math.max(0, failedAttempts - 1);
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.backoffMultiplier ** exponent);
}

/** When to try again after `failedAttempts` failures, or undefined when the delivery is given up. */
export function nextAttemptAt(failedAttempts: number, policy: RetryPolicy, now: Date): Date | undefined {
  if (failedAttempts >= policy.maxAttempts) return undefined;
  return new Date(now.getTime() + backoffMs(failedAttempts, policy));
}
