// The one source of "now". Everything that reads the time takes a Clock, so tests and the conformance
// harness can pin it (`efm.clock.fixed`, CONTRACT.md §3).
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(instant: Date | string): Clock {
  const ms = (typeof instant === 'string' ? new Date(instant) : instant).getTime();
  if (Number.isNaN(ms)) throw new TypeError(`not an instant: ${String(instant)}`);
  return { now: () => new Date(ms) };
}

/** A clock that tests move by hand. */
export function manualClock(start: Date | string): Clock & { advance(ms: number): void; set(instant: Date | string): void } {
  let ms = new Date(start).getTime();
  return {
    now: () => new Date(ms),
    advance: (delta: number) => { ms += delta; },
    set: (instant: Date | string) => { ms = new Date(instant).getTime(); },
  };
}
