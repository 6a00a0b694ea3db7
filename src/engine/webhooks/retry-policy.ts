import type { RetryPolicy } from '../schedule/index.js';

// When a failed push is tried again. The reference never retries (api notes §2.10: best effort, its docs
// promise three attempts); we retry with exponential backoff and then give up, since case systems must
// poll anyway. With the defaults the attempts come 10 s, 30 s, 1.5 min, 4.5 min, 13.5 min, 40.5 min and
// 1 h apart: eight attempts over about two hours.
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 8,
  initialBackoffMs: 10_000,
  backoffMultiplier: 3,
  maxBackoffMs: 60 * 60 * 1000,
});
