import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { Clock } from '../clock/index.js';
import {
  NotFoundInServiceRegistryError, ServiceRegistryLookupError, ServiceRegistrySignatureError,
  ServiceRegistryUnavailableError,
} from './errors.js';
import { createExpiringCache } from './expiring-cache.js';
import { httpGet, retryAfterSeconds, type HttpAnswer } from './http-get.js';
import { lookupCacheKey, lookupPath, type LookupRequest } from './lookup-request.js';
import type { IdentifierResource } from './model.js';
import { parseIdentifierResource } from './parse-identifier-resource.js';
import type { ServiceRegistryClient } from './port.js';
import { primaryIdentifier } from './primary-identifier.js';
import { verifyRegistryJws } from './verify-jws.js';

// The integration point's side of the Service Registry (addressing notes §9.2, §9.3, §9.6, §9.7).

const DEFAULTS = {
  /** Caffeine expire-after-write of the reference's identifier and virksert caches. */
  cacheTtlMs: 5 * 60_000,
  /** The reference's `difi.move.oidc.readTimeout`. */
  timeoutMs: 30_000,
};

export interface ServiceRegistryClientOptions {
  /** `difi.move.serviceregistryEndpoint`, without a trailing slash. */
  baseUrl: string;
  /** `difi.move.sign.enable` and `difi.move.sign.jwkUrl`. */
  sign: { enabled: boolean; jwkUrl: string };
  /** `difi.move.feature.enableDsfPrintLookup`: false adds `print=false`. */
  printLookup: boolean;
  /** `difi.move.feature.enableBetaFeatures`: adds `X-Enable-Beta-Features: true`. */
  betaFeatures: boolean;
  cacheTtlMs?: number;
  timeoutMs?: number;
  clock: Clock;
  /** A Maskinporten access token, when `difi.move.oidc.enable` is on. */
  tokenProvider?: () => Promise<string>;
  dispatcher?: Dispatcher;
}

export function createServiceRegistryClient(options: ServiceRegistryClientOptions): ServiceRegistryClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const cacheOptions = { ttlMs: options.cacheTtlMs ?? DEFAULTS.cacheTtlMs, clock: options.clock };
  const resources = createExpiringCache<IdentifierResource>(cacheOptions);
  const certificates = createExpiringCache<string>(cacheOptions);

  async function get(path: string, headers: Record<string, string>): Promise<HttpAnswer> {
    if (options.tokenProvider) headers.authorization = `Bearer ${await options.tokenProvider()}`;
    if (options.sign.enabled) headers.accept = 'application/jose, application/json';
    return httpGet({ url: `${baseUrl}${path}`, headers, timeoutMs, dispatcher: options.dispatcher });
  }

  // The JWK set is fetched for every uncached answer, as the reference does, so a rotated registry key
  // needs no restart (addressing notes §2.7).
  async function fetchJwks(): Promise<unknown> {
    const answer = await httpGet({
      url: options.sign.jwkUrl, headers: { accept: 'application/json' }, timeoutMs, dispatcher: options.dispatcher,
    });
    if (answer.status >= 500) throw failure(answer, options.sign.jwkUrl);
    if (answer.status !== 200) throw new ServiceRegistrySignatureError(new Error(`the JWK set answered ${answer.status}`));
    try {
      return JSON.parse(answer.body);
    } catch {
      return undefined;
    }
  }

  async function payloadOf(path: string, headers: Record<string, string>): Promise<string> {
    const answer = await get(path, headers);
    if (answer.status < 200 || answer.status > 299) throw failure(answer, path);
    if (!options.sign.enabled) return answer.body;
    return verifyRegistryJws(answer.body, await fetchJwks());
  }

  async function loadResource(request: LookupRequest): Promise<IdentifierResource> {
    const headers: Record<string, string> = options.betaFeatures ? { 'x-enable-beta-features': 'true' } : {};
    return parseIdentifierResource(await payloadOf(lookupPath(request), headers));
  }

  function resource(request: LookupRequest): Promise<IdentifierResource> {
    return resources.get(lookupCacheKey(request), () => loadResource(request));
  }

  return {
    lookup(params) {
      return resource({
        identifier: primaryIdentifier(params.identifier),
        process: params.process,
        securityLevel: params.securityLevel,
        conversationId: params.conversationId,
        print: options.printLookup,
        infoOnly: false,
      });
    },
    async info(identifier) {
      const found = await resource({ identifier: primaryIdentifier(identifier), print: options.printLookup, infoOnly: true });
      return found.infoRecord;
    },
    virksert(orgnr) {
      const id = primaryIdentifier(orgnr);
      return certificates.get(id, () => payloadOf(`/virksert/${encodeURIComponent(id)}`, {}));
    },
  };
}

/** Maps a non-2xx answer (addressing notes §9.3, §11.5): 404, other 4xx with the registry's reason, else transient. */
function failure(answer: HttpAnswer, path: string): Error {
  const where = redactPersonIdentifiers(path);
  const description = errorDescription(answer.body);
  if (answer.status === 404) return new NotFoundInServiceRegistryError(where, description);
  if (answer.status >= 400 && answer.status < 500) {
    const reason = description === undefined ? '' : `: ${redactPersonIdentifiers(description)}`;
    return new ServiceRegistryLookupError(`Service Registry answered ${answer.status} for ${where}${reason}`, {
      description, status: answer.status,
    });
  }
  return new ServiceRegistryUnavailableError(`Service Registry answered ${answer.status} for ${where}`, {
    retryAfterSeconds: retryAfterSeconds(answer.headers),
  });
}

/** `{"error_code","error_description"}`, or the odd `{"message"}` of citizen lookups (addressing notes §2.9). */
function errorDescription(body: string): string | undefined {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json !== 'object' || json === null) return undefined;
    const { error_description: described, message } = json as Record<string, unknown>;
    if (typeof described === 'string') return described;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

// Error messages end up in logs, where no fødselsnummer may appear; the reference hashes them the same way
// (SHA-256 hex, addressing notes §10.3).
function redactPersonIdentifiers(text: string): string {
  return text.replace(/(?<!\d)\d{11}(?!\d)/g, (fnr) => createHash('sha256').update(fnr).digest('hex'));
}
