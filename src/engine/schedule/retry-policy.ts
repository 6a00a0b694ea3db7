// Exponential backoff with a cap and a last attempt, shared by the webhook dispatcher and the outbox.
export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failed one the work is given up. */
  maxAttempts: number;
  initialBackoffMs: number;
  backoffMultiplier: number;
  maxBackoffMs: number;
}

/** The wait after the `failedAttempts`-th failure: initial × multiplier^(failedAttempts − 1), capped. */
export function backoffMs(failedAttempts: number, policy: RetryPolicy): number {
  const exponent = Math.max(0, failedAttempts - 1);
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.backoffMultiplier ** exponent);
}

/** When to try again after `failedAttempts` failures, or undefined when the work is given up. */
export function nextAttemptAt(failedAttempts: number, policy: RetryPolicy, now: Date): Date | undefined {
  if (failedAttempts >= policy.maxAttempts) return undefined;
  return new Date(now.getTime() + backoffMs(failedAttempts, policy));
}
