import { ref, schemaRef, type Json } from './json.js';

// Headers and the shared error answers. Every answer under /api carries API-Version and X-Correlation-Id,
// except 401: the basic-auth guard runs before a major's router, which is what sets API-Version
// (src/api/app.ts). /manage answers carry only X-Correlation-Id.
export const HEADERS: Record<string, Json> = {
  ApiVersion: {
    description: 'The full semantic version of the API major that answered.',
    schema: { type: 'string', example: '2.0.0' },
  },
  CorrelationId: {
    description: 'The request\'s correlation id: the client\'s X-Correlation-Id (or X-Request-Id) when it sent a sane one, a generated one otherwise. Also in error bodies and in every log line of the request.',
    schema: { type: 'string' },
  },
  RetryAfter: {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 0 },
  },
  WwwAuthenticate: {
    description: 'The basic-auth challenge.',
    schema: { type: 'string', example: 'Basic realm="integrasjonspunkt", charset="UTF-8"' },
  },
};

export const API_HEADERS: Json = { 'API-Version': ref('headers', 'ApiVersion'), 'X-Correlation-Id': ref('headers', 'CorrelationId') };
export const MANAGE_HEADERS: Json = { 'X-Correlation-Id': ref('headers', 'CorrelationId') };

function errorResponse(description: string, headers: Json): Json {
  const media = { schema: schemaRef('ErrorBody') };
  return { description, headers, content: { 'application/json': media, 'application/problem+json': media } };
}

export const RESPONSES: Record<string, Json> = {
  BadRequest: errorResponse('The request was refused; `message` says why, `errors` lists field problems, `code` is stable.', API_HEADERS),
  Unauthorized: errorResponse('Missing or wrong basic-auth credentials.', { ...MANAGE_HEADERS, 'WWW-Authenticate': ref('headers', 'WwwAuthenticate') }),
  NotFound: errorResponse('No such resource.', API_HEADERS),
  PayloadTooLarge: errorResponse('The JSON body is larger than the daemon accepts.', API_HEADERS),
  ServiceUnavailable: errorResponse('A dependency (the Service Registry, Maskinporten) cannot answer now; retry after the time given.', {
    ...API_HEADERS, 'Retry-After': ref('headers', 'RetryAfter'),
  }),
  NoContent: { description: 'Nothing to return (nothing to peek, or nothing to pop).', headers: API_HEADERS },
  ManageBadRequest: errorResponse('The request was refused; `message` says why.', MANAGE_HEADERS),
  ManageNotFound: errorResponse('No such resource.', MANAGE_HEADERS),
};

/** `'400': $ref BadRequest` and friends, for the statuses listed. */
export function apiErrors(...statuses: (400 | 401 | 404 | 413 | 503)[]): Record<string, Json> {
  const names = { 400: 'BadRequest', 401: 'Unauthorized', 404: 'NotFound', 413: 'PayloadTooLarge', 503: 'ServiceUnavailable' } as const;
  return Object.fromEntries(statuses.map((s) => [String(s), ref('responses', names[s])]));
}
