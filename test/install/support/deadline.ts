// Waiting on a container or a daemon without sleeping blindly: a check repeated until it holds.
const PAUSE_MS = 100;

/** Repeats `check` until it returns true; throws with `explain()` once `deadlineMs` has passed. */
export async function untilDeadline(deadlineMs: number, check: () => Promise<boolean>, explain: () => string = () => 'condition not met'): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`deadline of ${deadlineMs} ms passed: ${explain()}`);
    await new Promise((r) => setTimeout(r, PAUSE_MS));
  }
}
