import type { KeyObject } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Dispatcher } from 'undici';
import { createMaskinportenClient, type MaskinportenClient } from '../../addressing/index.js';
import type { Clock } from '../../clock/index.js';
import { loadUndici } from '../../http/index.js';
import { AltinnTokenRefusedError, AltinnTokenUnavailableError } from './errors.js';
import { systemUserClaim, type SystemUser } from './system-users.js';

// Altinn tokens (transports notes §3.1–§3.2): a Maskinporten token — for DPO asked for with a system
// user's `authorization_details`, for DPV without one — exchanged at Altinn. Both are cached per (system user, scope)
// until shortly before they expire; the reference keeps the Altinn token 25 minutes.

export type BrokerScope = 'altinn:broker.write' | 'altinn:broker.read';

const DEFAULTS = {
  /** The reference's cache time of an exchanged token, used when the token carries no `exp`. */
  tokenLifetimeMs: 25 * 60_000,
  /** Renew this long before a token's `exp`. */
  renewBeforeExpiryMs: 60_000,
  timeoutMs: 30_000,
};

export interface MaskinportenGrantSettings {
  tokenUrl: string;
  audience: string;
  clientId: string;
  signingKey: KeyObject;
  /** PEM of the business certificate (first) and its chain, sent as `x5c`; or else `kid`. */
  certificateChainPem?: string;
  kid?: string;
  timeoutMs?: number;
}

export interface AltinnTokenOptions {
  maskinporten: MaskinportenGrantSettings;
  exchangeUrl: string;
  clock: Clock;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

export interface AltinnTokens {
  /** A valid Altinn token for the system user (none for DPV) and scope, cached until it nearly expires. */
  token(user: SystemUser | undefined, scope: string): Promise<string>;
  /** Drops the cached token, e.g. after the broker answered 401 to it. */
  invalidate(user: SystemUser | undefined, scope: string): void;
}

interface Entry {
  maskinporten: MaskinportenClient;
  cached?: { token: string; renewAtMs: number };
  pending?: Promise<string>;
}

export function createAltinnTokens(options: AltinnTokenOptions): AltinnTokens {
  const entries = new Map<string, Entry>();

  const keyOf = (user: SystemUser | undefined, scope: string) => JSON.stringify([user?.orgId ?? null, user?.name ?? null, scope]);
  const entryFor = (user: SystemUser | undefined, scope: string): Entry => {
    const key = keyOf(user, scope);
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = {
        maskinporten: createMaskinportenClient({
          ...options.maskinporten,
          scopes: [scope],
          ...(user ? { authorizationDetails: systemUserClaim(user) } : {}),
          clock: options.clock,
          ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
        }),
      };
      entries.set(key, entry);
    }
    return entry;
  };

  async function refresh(entry: Entry): Promise<string> {
    const token = await exchange(options, await entry.maskinporten.accessToken());
    entry.cached = { token, renewAtMs: renewAt(token, options.clock.now().getTime()) };
    return token;
  }

  return {
    token(user, scope) {
      const entry = entryFor(user, scope);
      if (entry.cached && entry.cached.renewAtMs > options.clock.now().getTime()) return Promise.resolve(entry.cached.token);
      entry.pending ??= refresh(entry).finally(() => { entry.pending = undefined; });
      return entry.pending;
    },
    invalidate(user, scope) {
      const entry = entries.get(keyOf(user, scope));
      if (entry) entry.cached = undefined;
    },
  };
}

async function exchange(options: AltinnTokenOptions, maskinportenToken: string): Promise<string> {
  let status: number;
  let body: string;
  try {
    const { request } = await loadUndici();
    const response = await request(options.exchangeUrl, {
      method: 'GET',
      headers: { authorization: `Bearer ${maskinportenToken}`, accept: 'text/plain, application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULTS.timeoutMs),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    status = response.statusCode;
    body = await response.body.text();
  } catch (cause) {
    throw new AltinnTokenUnavailableError('the Altinn token exchange did not answer', cause);
  }
  if (status >= 500 || status === 429) throw new AltinnTokenUnavailableError(`the Altinn token exchange answered ${status}`);
  if (status !== 200) throw new AltinnTokenRefusedError(status, body.slice(0, 300));
  const token = tokenIn(body);
  if (token === '') throw new AltinnTokenRefusedError(status, 'the answer holds no token');
  return token;
}

/**
 * The reference uses the whole body as the token (§3.2, §9.5): Altinn answers with the bare JWT. Some
 * stand-ins (the reference's own test stubs) answer `{"access_token": …}` or a JSON string; those are
 * unwrapped, so the bearer we send is the token itself.
 */
function tokenIn(body: string): string {
  const text = body.trim();
  if (!text.startsWith('{') && !text.startsWith('"')) return text;
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'string') return json;
    const inner = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).access_token : undefined;
    return typeof inner === 'string' ? inner : text;
  } catch {
    return text;
  }
}

function renewAt(token: string, nowMs: number): number {
  const fallback = nowMs + DEFAULTS.tokenLifetimeMs;
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? Math.min(fallback, exp * 1000 - DEFAULTS.renewBeforeExpiryMs) : fallback;
  } catch {
    return fallback;
  }
}
