import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock/index.js';
import { createExpiringCache } from '../../src/addressing/expiring-cache.js';

function counter() {
  let calls = 0;
  return { load: async () => `value-${++calls}`, calls: () => calls };
}

describe(createExpiringCache.name, () => {
  it('answers from the cache until the TTL has passed since the write, then loads again', async () => {
    const clock = manualClock('2024-01-01T00:00:00Z');
    const cache = createExpiringCache<string>({ ttlMs: 1000, clock });
    const source = counter();
    expect(await cache.get('k', source.load)).toBe('value-1');
    clock.advance(999);
    expect(await cache.get('k', source.load)).toBe('value-1');
    clock.advance(1);
    expect(await cache.get('k', source.load)).toBe('value-2');
  });

  it('keeps keys apart', async () => {
    const cache = createExpiringCache<string>({ ttlMs: 1000, clock: manualClock('2024-01-01T00:00:00Z') });
    const source = counter();
    await cache.get('a', source.load);
    expect(await cache.get('b', source.load)).toBe('value-2');
  });

  it('does not keep a failure: the next call loads again', async () => {
    const cache = createExpiringCache<string>({ ttlMs: 1000, clock: manualClock('2024-01-01T00:00:00Z') });
    await expect(cache.get('k', async () => { throw new Error('down'); })).rejects.toThrow('down');
    expect(await cache.get('k', async () => 'up')).toBe('up');
  });

  it('shares one load between concurrent callers of a key', async () => {
    const cache = createExpiringCache<string>({ ttlMs: 1000, clock: manualClock('2024-01-01T00:00:00Z') });
    const source = counter();
    const answers = await Promise.all([cache.get('k', source.load), cache.get('k', source.load)]);
    expect(answers).toEqual(['value-1', 'value-1']);
    expect(source.calls()).toBe(1);
  });

  it('stores nothing with a zero TTL', async () => {
    const cache = createExpiringCache<string>({ ttlMs: 0, clock: manualClock('2024-01-01T00:00:00Z') });
    const source = counter();
    await cache.get('k', source.load);
    expect(await cache.get('k', source.load)).toBe('value-2');
  });
});
