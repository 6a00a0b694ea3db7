import { EfmError, UnavailableError, type ErrorKind } from '../domain/index.js';

// Failures of a Service Registry lookup (addressing notes §9.3, §9.7). The reference's exception names are
// kept for the `exception` member of error bodies; NotFound is a kind of lookup failure there too, so
// `instanceof ServiceRegistryLookupError` catches both, as the reference's catch blocks do.
const SR_PACKAGE = 'no.difi.meldingsutveksling.serviceregistry';

/** Seconds a client should wait when the registry cannot answer; issue 2 asks for 503 + Retry-After. */
export const SERVICE_REGISTRY_RETRY_AFTER_SECONDS = 30;

export interface ServiceRegistryLookupErrorOptions {
  code?: string;
  kind?: ErrorKind;
  /** The registry's own text (`error_description`), when it gave one. */
  description?: string;
  /** HTTP status of the registry's answer, when there was one. */
  status?: number;
  /** Reference exception class name, when it is not ServiceRegistryLookupException. */
  exception?: string;
  cause?: unknown;
}

/** The registry answered, but not with a usable record: a 4xx with its reason, or an unreadable body. */
export class ServiceRegistryLookupError extends EfmError {
  readonly status?: number;
  constructor(message: string, options: ServiceRegistryLookupErrorOptions = {}) {
    super(message, {
      code: options.code ?? 'EFM_SERVICE_REGISTRY_LOOKUP_FAILED',
      kind: options.kind ?? 'validation',
      exception: options.exception ?? `${SR_PACKAGE}.ServiceRegistryLookupException`,
      description: options.description,
      cause: options.cause,
    });
    this.status = options.status;
  }
}

/** 404 from the registry: unknown entity, or no record for the process. */
export class NotFoundInServiceRegistryError extends ServiceRegistryLookupError {
  constructor(path: string, description?: string) {
    super(`Service record not found for ${path}`, {
      code: 'EFM_NOT_FOUND_IN_SERVICE_REGISTRY',
      kind: 'not-found',
      description,
      status: 404,
      exception: `${SR_PACKAGE}.NotFoundInServiceRegistryException`,
    });
  }
}

/** The JWS did not verify against the registry's `/jwk`, or was no JWS at all (addressing notes §2.7). */
export class ServiceRegistrySignatureError extends ServiceRegistryLookupError {
  constructor(cause?: unknown) {
    super('Bad signature in response from service registry', {
      code: 'EFM_SERVICE_REGISTRY_BAD_SIGNATURE',
      kind: 'internal',
      cause,
    });
  }
}

/** 5xx, timeout or no connection: nothing was learnt, a later try may succeed. */
export class ServiceRegistryUnavailableError extends UnavailableError {
  constructor(message: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, {
      code: 'EFM_SERVICE_REGISTRY_UNAVAILABLE',
      retryAfterSeconds: options.retryAfterSeconds ?? SERVICE_REGISTRY_RETRY_AFTER_SECONDS,
      cause: options.cause,
    });
  }
}

/** Maskinporten refused our JWT grant (bad client id, scope, key or certificate): no retry will help. */
export class MaskinportenTokenError extends EfmError {
  readonly status: number;
  constructor(status: number, description?: string) {
    super(`Maskinporten refused the token request (${status})${description ? `: ${description}` : ''}`, {
      code: 'EFM_MASKINPORTEN_TOKEN_REFUSED',
      kind: 'internal',
      description,
    });
    this.status = status;
  }
}

/** Maskinporten could not be reached or answered 5xx. */
export class MaskinportenUnavailableError extends UnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_MASKINPORTEN_UNAVAILABLE', cause });
  }
}
