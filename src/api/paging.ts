import type { Request } from 'express';
import { ValidationError } from '../domain/errors.js';
import type { Page, PageRequest, SortOrder } from '../store/index.js';

// Spring Data paging (api notes §1.2): `page` (0-based), `size` (default 10), repeatable
// `sort=prop[,asc|desc]`; answers are Spring's PageImpl serialised as is.
const DEFAULT_SIZE = 10;
const MAX_SIZE = 2000;

function intParam(req: Request, name: string, fallback: number, min: number, max: number): number {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return fallback;
  const text = Array.isArray(raw) ? String(raw[0]) : String(raw);
  if (!/^\d+$/.test(text)) throw new ValidationError(`Query parameter ${name} must be a whole number, got '${text}'`, { code: 'EFM_INVALID_PAGING' });
  return Math.min(Math.max(Number(text), min), max);
}

function sortParams(req: Request): SortOrder[] {
  const raw = req.query.sort;
  if (raw === undefined) return [];
  const values = (Array.isArray(raw) ? raw : [raw]).map(String).filter((v) => v.length > 0);
  const out: SortOrder[] = [];
  for (const v of values) {
    const [property, dir] = v.split(',').map((s) => s.trim());
    if (!property) continue;
    const direction = (dir ?? 'asc').toLowerCase();
    if (direction !== 'asc' && direction !== 'desc') throw new ValidationError(`Sort direction must be asc or desc, got '${dir}'`, { code: 'EFM_INVALID_PAGING' });
    out.push({ property, direction });
  }
  return out;
}

export function pageRequestOf(req: Request, defaultSort: SortOrder[] = []): PageRequest {
  const sort = sortParams(req);
  return {
    page: intParam(req, 'page', 0, 0, Number.MAX_SAFE_INTEGER),
    size: intParam(req, 'size', DEFAULT_SIZE, 1, MAX_SIZE),
    sort: sort.length > 0 ? sort : defaultSort,
  };
}

function sortJson(sort: SortOrder[]) {
  return { sorted: sort.length > 0, unsorted: sort.length === 0, empty: sort.length === 0 };
}

export function renderPage<T, R>(page: Page<T>, render: (item: T) => R): Record<string, unknown> {
  const { page: number, size, sort } = page.page;
  const totalPages = Math.ceil(page.totalElements / size);
  return {
    content: page.content.map(render),
    pageable: { sort: sortJson(sort), offset: number * size, pageSize: size, pageNumber: number, paged: true, unpaged: false },
    last: number >= totalPages - 1,
    totalElements: page.totalElements,
    totalPages,
    size,
    number,
    first: number === 0,
    sort: sortJson(sort),
    numberOfElements: page.content.length,
    empty: page.content.length === 0,
  };
}
