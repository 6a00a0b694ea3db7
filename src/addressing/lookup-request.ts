// Which URL a lookup goes to, and which lookups share a cache entry (addressing notes §9.2, §9.6).

export interface LookupParams {
  /** Any receiver form; the primary identifier is sent. */
  identifier: string;
  process?: string;
  securityLevel?: number;
  /** Used by the registry for logging only; never part of the cache key. */
  conversationId?: string;
}

export interface LookupRequest {
  identifier: string;
  process?: string;
  securityLevel?: number;
  conversationId?: string;
  /** false adds `print=false`; the registry's default is true. */
  print: boolean;
  infoOnly: boolean;
}

// RFC 3986 pchar (unreserved, sub-delims, ':' and '@') pass unescaped, so process URNs keep their colons
// as the reference's URI template leaves them; query values additionally keep '/' and '?' but not the
// '&' and '=' that would split them.
const PATH_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;
const QUERY_SAFE = /[A-Za-z0-9\-._~!$'()*+,;:@/?]/;

function encode(value: string, safe: RegExp): string {
  let out = '';
  for (const ch of value) {
    out += safe.test(ch) ? ch : encodeURIComponent(ch);
  }
  return out;
}

/** `identifier/{id}[/process/{p}][?securityLevel=…&conversationId=…&print=false]` or `info/{id}`. */
export function lookupPath(request: LookupRequest): string {
  const id = encode(request.identifier, PATH_SAFE);
  if (request.infoOnly) return `/info/${id}`;
  let path = `/identifier/${id}`;
  if (request.process) path += `/process/${encode(request.process, PATH_SAFE)}`;
  const query: string[] = [];
  if (request.securityLevel !== undefined) query.push(`securityLevel=${request.securityLevel}`);
  if (request.conversationId) query.push(`conversationId=${encode(request.conversationId, QUERY_SAFE)}`);
  if (!request.print) query.push('print=false');
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

/** The effective parameters that decide the answer; conversationId is left out, as in the reference. */
export function lookupCacheKey(request: LookupRequest): string {
  return JSON.stringify([
    request.identifier,
    request.infoOnly ? null : request.process || null,
    request.infoOnly ? null : request.securityLevel ?? null,
    request.print,
    request.infoOnly,
  ]);
}
