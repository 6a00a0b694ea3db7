import { describe, expect, it } from 'vitest';
import { fixedClock, manualClock } from '../../../src/clock/index.js';
import { ScheduleClock } from '../../../src/engine/schedule/index.js';

function steppingMonotonic(): { read: () => number; advance: (ms: number) => void } {
  let ms = 1_000;
  return { read: () => ms, advance: (delta) => { ms += delta; } };
}

describe(ScheduleClock.name, () => {
  it('moves on with real time when the clock is fixed', () => {
    const monotonic = steppingMonotonic();
    const schedule = new ScheduleClock(fixedClock('2019-03-25T11:38:23Z'), monotonic.read);
    expect(schedule.now()).toEqual(new Date('2019-03-25T11:38:23Z'));
    monotonic.advance(10_000);
    expect(schedule.now()).toEqual(new Date('2019-03-25T11:38:33Z'));
  });

  it('follows a clock that jumps ahead of real time', () => {
    const monotonic = steppingMonotonic();
    const clock = manualClock('2019-03-25T11:38:23Z');
    const schedule = new ScheduleClock(clock, monotonic.read);
    clock.advance(3_600_000);
    monotonic.advance(5);
    expect(schedule.now()).toEqual(new Date('2019-03-25T12:38:23Z'));
    monotonic.advance(1_000);
    expect(schedule.now()).toEqual(new Date('2019-03-25T12:38:24Z'));
  });

  it('never goes backwards when the clock is set back', () => {
    const monotonic = steppingMonotonic();
    const clock = manualClock('2019-03-25T11:38:23Z');
    const schedule = new ScheduleClock(clock, monotonic.read);
    clock.set('2019-03-25T10:00:00Z');
    monotonic.advance(2_000);
    expect(schedule.now()).toEqual(new Date('2019-03-25T11:38:25Z'));
  });
});
