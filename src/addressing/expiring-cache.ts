import type { Clock } from '../clock/index.js';

// Expire-after-write, in process, successes only (addressing notes §9.6). A failed load leaves nothing
// behind, so the next call asks again; there is no stale fallback. Concurrent loads of one key share a
// single request.

interface Entry<V> {
  value: V;
  expiresAtMs: number;
}

export interface ExpiringCache<V> {
  /** The cached value, or the result of `load` (stored when it succeeds). */
  get(key: string, load: () => Promise<V>): Promise<V>;
}

export function createExpiringCache<V>(options: { ttlMs: number; clock: Clock }): ExpiringCache<V> {
  const entries = new Map<string, Entry<V>>();
  const loading = new Map<string, Promise<V>>();
  const nowMs = () => options.clock.now().getTime();

  // Entries are kept in write order and share one TTL, so the expired ones sit at the front.
  function evictExpired(now: number): void {
    for (const [key, entry] of entries) {
      if (entry.expiresAtMs > now) return;
      entries.delete(key);
    }
  }

  function store(key: string, value: V): void {
    const now = nowMs();
    evictExpired(now);
    entries.delete(key);
    if (options.ttlMs > 0) entries.set(key, { value, expiresAtMs: now + options.ttlMs });
  }

  async function loadOnce(key: string, load: () => Promise<V>): Promise<V> {
    const pending = loading.get(key);
    if (pending) return pending;
    const promise = load().then((value) => {
      store(key, value);
      return value;
    }).finally(() => loading.delete(key));
    loading.set(key, promise);
    return promise;
  }

  return {
    async get(key, load) {
      const entry = entries.get(key);
      if (entry && entry.expiresAtMs > nowMs()) return entry.value;
      return loadOnce(key, load);
    },
  };
}
