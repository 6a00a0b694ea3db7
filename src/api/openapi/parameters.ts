import { ref, type Json } from './json.js';

// Parameters shared by several operations. Query filters are exact matches (api notes §2.6–§2.9); a
// malformed value (a non-number, an unknown enum value) is a 400 naming the parameter.
export const PARAMETERS: Record<string, Json> = {
  page: {
    name: 'page', in: 'query', required: false,
    description: 'The 0-based page number.',
    schema: { type: 'integer', minimum: 0, default: 0 },
  },
  size: {
    name: 'size', in: 'query', required: false,
    description: 'The page size; values outside 1–2000 are clamped.',
    schema: { type: 'integer', minimum: 1, maximum: 2000, default: 10 },
  },
  sort: {
    name: 'sort', in: 'query', required: false, style: 'form', explode: true,
    description: '`property[,asc|desc]`, repeatable; the direction defaults to asc. Messages sort on `lastUpdated`, conversations and statuses on `lastUpdate`.',
    schema: { type: 'array', items: { type: 'string', example: 'lastUpdate,desc' } },
  },
  messageId: {
    name: 'messageId', in: 'path', required: true,
    description: 'The messageId (`documentIdentification.instanceIdentifier`).',
    schema: { type: 'string' },
  },
};

export const PAGING: Json[] = [ref('parameters', 'page'), ref('parameters', 'size'), ref('parameters', 'sort')];

export function queryParam(name: string, schema: Json, description?: string): Json {
  const p: Json = { name, in: 'query', required: false, schema };
  if (description) p.description = description;
  return p;
}

export function pathParam(name: string, schema: Json, description: string): Json {
  return { name, in: 'path', required: true, description, schema };
}

/** A numeric id in the path; anything but digits is a 400. */
export function numericIdParam(name: string, description: string): Json {
  return pathParam(name, { type: 'integer', format: 'int64', minimum: 0 }, description);
}
