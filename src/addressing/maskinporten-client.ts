import type { KeyObject } from 'node:crypto';
import { SignJWT, type JWTHeaderParameters } from 'jose';
import type { Dispatcher } from 'undici';
import { loadUndici } from '../http/index.js';
import type { Clock } from '../clock/index.js';
import { randomId } from '../ids/index.js';
import { MaskinportenTokenError, MaskinportenUnavailableError } from './errors.js';

// Maskinporten's JWT-bearer grant (RFC 7523): we sign a short-lived grant with our business key, post it
// and reuse the access token until shortly before it expires (addressing notes §2.2).

const DEFAULTS = {
  /** Lifetime of the grant we sign; Maskinporten accepts at most 120 s. */
  grantLifetimeSeconds: 120,
  /** Assumed token lifetime when the answer carries no `expires_in` (Maskinporten's usual 120 s). */
  tokenLifetimeSeconds: 120,
  /** Renew this long before the token expires; with the default lifetime that is the reference's 90 s cache. */
  ttlSkewMs: 30_000,
  timeoutMs: 30_000,
};

const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface MaskinportenClientOptions {
  tokenUrl: string;
  /** The `aud` claim: Maskinporten's issuer, e.g. `https://test.maskinporten.no/`. */
  audience: string;
  /** The `iss` claim: the integration's client id (`MOVE_IP_<orgnr>` for eFormidling). */
  clientId: string;
  scopes: string[];
  signingKey: KeyObject;
  /** PEM of the business certificate (first) and its chain, sent as `x5c`; or else `kid`. */
  certificateChainPem?: string;
  /** Id of a key registered with Maskinporten, used when no certificate is given. */
  kid?: string;
  /** The `authorization_details` claim, e.g. the Altinn system user DPO acts as (transports notes §3.1). */
  authorizationDetails?: readonly Record<string, unknown>[];
  /** The `consumer_org` claim: the organisation acted for, e.g. a DPI letter's sender (transports notes §3.1). */
  consumerOrg?: string;
  clock: Clock;
  ttlSkewMs?: number;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

export interface MaskinportenClient {
  /** A valid access token, from the cache when the last one has not nearly expired. */
  accessToken(): Promise<string>;
}

interface CachedToken {
  token: string;
  renewAtMs: number;
}

/** The base64 DER bodies of the PEM certificates in a chain, in order. */
export function x5cOf(pem: string): string[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => b.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''));
}

export function createMaskinportenClient(options: MaskinportenClientOptions): MaskinportenClient {
  const header = grantHeader(options);
  const skewMs = options.ttlSkewMs ?? DEFAULTS.ttlSkewMs;
  let cached: CachedToken | undefined;
  let pending: Promise<string> | undefined;

  async function signGrant(): Promise<string> {
    const iat = Math.floor(options.clock.now().getTime() / 1000);
    const claims = options.authorizationDetails === undefined
      ? { scope: options.scopes.join(' ') }
      : { scope: options.scopes.join(' '), authorization_details: options.authorizationDetails };
    return new SignJWT(options.consumerOrg === undefined ? claims : { ...claims, consumer_org: options.consumerOrg })
      .setProtectedHeader(header)
      .setAudience(options.audience)
      .setIssuer(options.clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + DEFAULTS.grantLifetimeSeconds)
      .setJti(randomId())
      .sign(options.signingKey);
  }

  async function fetchToken(): Promise<string> {
    const body = new URLSearchParams({ grant_type: GRANT_TYPE, assertion: await signGrant() }).toString();
    const answer = await post(options, body);
    const json = parseJson(answer.body);
    if (answer.status >= 500) throw new MaskinportenUnavailableError(`Maskinporten answered ${answer.status}`);
    if (answer.status !== 200) throw new MaskinportenTokenError(answer.status, stringMember(json, 'error_description'));
    const token = stringMember(json, 'access_token');
    if (token === undefined) throw new MaskinportenTokenError(answer.status, 'the answer holds no access_token');
    const expiresIn = json?.expires_in;
    const lifetimeS = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : DEFAULTS.tokenLifetimeSeconds;
    cached = { token, renewAtMs: options.clock.now().getTime() + lifetimeS * 1000 - skewMs };
    return token;
  }

  return {
    async accessToken() {
      if (cached && cached.renewAtMs > options.clock.now().getTime()) return cached.token;
      pending ??= fetchToken().finally(() => { pending = undefined; });
      return pending;
    },
  };
}

function grantHeader(options: MaskinportenClientOptions): JWTHeaderParameters {
  if (options.certificateChainPem !== undefined) {
    const x5c = x5cOf(options.certificateChainPem);
    if (x5c.length === 0) throw new TypeError('certificateChainPem holds no PEM certificate');
    return { alg: 'RS256', x5c };
  }
  if (options.kid !== undefined) return { alg: 'RS256', kid: options.kid };
  throw new TypeError('a Maskinporten grant needs certificateChainPem or kid');
}

async function post(options: MaskinportenClientOptions, body: string): Promise<{ status: number; body: string }> {
  try {
    const { request } = await loadUndici();
    const response = await request(options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULTS.timeoutMs),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    return { status: response.statusCode, body: await response.body.text() };
  } catch (cause) {
    throw new MaskinportenUnavailableError('Maskinporten did not answer', cause);
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringMember(json: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = json?.[name];
  return typeof value === 'string' ? value : undefined;
}
