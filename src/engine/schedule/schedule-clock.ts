import type { Clock } from '../../clock/index.js';

/** Milliseconds from an arbitrary origin that only move forward (performance.now). */
export type MonotonicMs = () => number;

/**
 * The time the dispatcher decides due-ness by: the Clock's now, or — when the Clock lags behind the real
 * time that has passed since it was last read — that Clock reading plus the real time elapsed.
 *
 * Why: under the conformance harness the Clock is fixed (CONTRACT.md §3) and never advances, so a retry
 * scheduled at "now + 10 s" would never come due and the dispatcher would either stall or spin. With
 * this clock, stored retry times stay anchored in the Clock's timeline (a fixed clock gives
 * 2019-03-25T11:38:33Z for a 10 s backoff) while they still come due after 10 s of real time; after a
 * restart the same stored times come due the same real time later. With the system clock it is simply
 * the system clock, and a test's manual clock that jumps ahead is followed at once.
 */
export class ScheduleClock {
  private anchorMs: number;
  private anchorMonotonicMs: number;

  constructor(private readonly clock: Clock, private readonly monotonicMs: MonotonicMs = () => performance.now()) {
    this.anchorMs = clock.now().getTime();
    this.anchorMonotonicMs = monotonicMs();
  }

  now(): Date {
    const clockMs = this.clock.now().getTime();
    const monotonic = this.monotonicMs();
    const projectedMs = this.anchorMs + (monotonic - this.anchorMonotonicMs);
    if (clockMs >= projectedMs) {
      this.anchorMs = clockMs;
      this.anchorMonotonicMs = monotonic;
      return new Date(clockMs);
    }
    return new Date(projectedMs);
  }
}
