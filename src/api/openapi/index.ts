import { openApiDocument } from './document.js';

// Built on first use and then shared: the document never changes while the daemon runs, and freezing it
// keeps one caller from changing what the next one is served.
let cached: Readonly<Record<string, unknown>> | undefined;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The OpenAPI 3.1 document of the daemon's whole HTTP API, served at GET /api/openapi.json. */
export function buildOpenApiDocument(): Record<string, unknown> {
  cached ??= deepFreeze(openApiDocument());
  return cached;
}
