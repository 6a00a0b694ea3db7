// When a pollable conversation is asked about again (ops notes §3.4, the reference's
// LinearInterpolationPolling): the interval grows linearly with the time since its last status change,
// from 1 minute at once to 60 minutes at 30 days and after. A run polls a conversation when the number
// of whole intervals since that change has grown since the previous run.

const MINUTE_MS = 60_000;
const MAX_INTERVAL_MS = 60 * MINUTE_MS;
const THRESHOLD_MS = 30 * 24 * 60 * MINUTE_MS;

export function pollIntervalMs(ageMs: number): number {
  const share = Math.min(Math.max(ageMs, 0), THRESHOLD_MS) / THRESHOLD_MS;
  return MINUTE_MS + share * (MAX_INTERVAL_MS - MINUTE_MS);
}

function slot(lastUpdate: Date, at: Date): number {
  const age = at.getTime() - lastUpdate.getTime();
  return age < 0 ? -1 : Math.floor(age / pollIntervalMs(age));
}

/** Whether a conversation last changed at `lastUpdate` is due at `now`; always on a process's first run. */
export function isPollDue(lastUpdate: Date, now: Date, previousRun: Date | undefined): boolean {
  return previousRun === undefined || slot(lastUpdate, now) > slot(lastUpdate, previousRun);
}
