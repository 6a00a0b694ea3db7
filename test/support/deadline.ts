// Waiting without sleeping blindly: repeat a check until it holds or a deadline passes, and run work
// with a bounded number in flight.

const PAUSE_MS = 50;

/** Repeats `check` until it returns true; throws with `explain()` when `deadlineMs` has passed. */
export async function untilDeadline(deadlineMs: number, check: () => Promise<boolean>, explain: () => string = () => 'condition not met'): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`deadline of ${deadlineMs} ms passed: ${explain()}`);
    await new Promise((r) => setTimeout(r, PAUSE_MS));
  }
}

/** Maps `items` through `work` with at most `limit` in flight; results keep the items' order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  const pending = items.entries();
  const worker = async (): Promise<void> => {
    for (const [index, item] of pending) results[index] = await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
