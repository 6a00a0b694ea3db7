import { schemaRef, type Json } from './json.js';

// Spring Data's PageImpl as the reference serialises it (api notes §1.2), the shape src/api/paging.ts
// writes. OpenAPI has no generics, so each item type gets its own named page schema built here.
export const SORT_SCHEMA: Json = {
  type: 'object',
  required: ['sorted', 'unsorted', 'empty'],
  properties: {
    sorted: { type: 'boolean' },
    unsorted: { type: 'boolean' },
    empty: { type: 'boolean' },
  },
};

export const PAGEABLE_SCHEMA: Json = {
  type: 'object',
  required: ['sort', 'offset', 'pageSize', 'pageNumber', 'paged', 'unpaged'],
  properties: {
    sort: schemaRef('Sort'),
    offset: { type: 'integer', format: 'int64', minimum: 0 },
    pageSize: { type: 'integer', minimum: 1 },
    pageNumber: { type: 'integer', minimum: 0 },
    paged: { type: 'boolean' },
    unpaged: { type: 'boolean' },
  },
};

/** A page of `item` (a schema, usually a `$ref`). */
export function pageSchema(item: Json, description: string): Json {
  return {
    type: 'object',
    description,
    required: ['content', 'pageable', 'last', 'totalElements', 'totalPages', 'size', 'number', 'first', 'sort', 'numberOfElements', 'empty'],
    properties: {
      content: { type: 'array', items: item },
      pageable: schemaRef('Pageable'),
      last: { type: 'boolean' },
      totalElements: { type: 'integer', format: 'int64', minimum: 0 },
      totalPages: { type: 'integer', minimum: 0 },
      size: { type: 'integer', minimum: 1, description: 'The page size asked for.' },
      number: { type: 'integer', minimum: 0, description: 'The 0-based page number.' },
      first: { type: 'boolean' },
      sort: schemaRef('Sort'),
      numberOfElements: { type: 'integer', minimum: 0, description: 'Items on this page.' },
      empty: { type: 'boolean' },
    },
  };
}
