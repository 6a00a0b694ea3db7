import type { Clock } from '../../clock/index.js';
import type { FiksCredentials } from './credentials.js';
import type { SvarUtClient } from './svarut-client.js';

// The create-time checks that need SvarUt (api notes §5.2 step 12): whether the sending organisation has
// SvarUt credentials, and which forsendelsestyper SvarUt offers it. The list is kept an hour per
// organisation, as the reference caches it.

export interface SvarUtChecks {
  hasCredentials(orgnr: string): boolean;
  /** SvarUt's forsendelsestyper for the organisation; empty when it has no credentials. */
  forsendelseTyper(orgnr: string, signal?: AbortSignal): Promise<string[]>;
}

export interface SvarUtChecksOptions {
  client: SvarUtClient;
  credentials: FiksCredentials;
  clock: Clock;
}

const CACHE_MS = 3_600_000;

export function createSvarUtChecks(options: SvarUtChecksOptions): SvarUtChecks {
  const cache = new Map<string, { types: string[]; until: number }>();
  return {
    hasCredentials: (orgnr) => options.credentials.forOrganisation(orgnr) !== undefined,
    async forsendelseTyper(orgnr, signal = new AbortController().signal) {
      const user = options.credentials.forOrganisation(orgnr);
      if (user === undefined) return [];
      const now = options.clock.now().getTime();
      const cached = cache.get(orgnr);
      if (cached !== undefined && cached.until > now) return [...cached.types];
      const types = await options.client.retreiveForsendelseTyper(user, signal);
      cache.set(orgnr, { types, until: now + CACHE_MS });
      return [...types];
    },
  };
}
