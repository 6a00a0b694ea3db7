import type { Request } from 'express';
import { ValidationError } from '../domain/errors.js';
import { SERVICE_IDENTIFIERS, type ServiceIdentifier, DIRECTIONS, type Direction, RECEIPT_STATUSES, type ReceiptStatus } from '../domain/statuses.js';
import { parseDateTime } from '../domain/time.js';

// Typed readers for query parameters: a malformed value is a 400 that names the parameter, never a 500.
function bad(name: string, value: string, expected: string): ValidationError {
  return new ValidationError(`Query parameter '${name}' has an invalid value '${value}': expected ${expected}`, { code: 'EFM_INVALID_QUERY_PARAMETER' });
}

export function queryString(req: Request, name: string): string | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  const v = Array.isArray(raw) ? raw[0] : raw;
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function queryInt(req: Request, name: string): number | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw bad(name, v, 'a whole number');
  return Number(v);
}

export function queryBool(req: Request, name: string): boolean | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw bad(name, v, 'true or false');
  return v === 'true';
}

function queryEnum<T extends string>(req: Request, name: string, values: readonly T[]): T | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) throw bad(name, v, `one of ${values.join(', ')}`);
  return v as T;
}

export const queryService = (req: Request, name = 'serviceIdentifier'): ServiceIdentifier | undefined => queryEnum(req, name, SERVICE_IDENTIFIERS);
export const queryDirection = (req: Request, name = 'direction'): Direction | undefined => queryEnum(req, name, DIRECTIONS);
export const queryStatus = (req: Request, name = 'status'): ReceiptStatus | undefined => queryEnum(req, name, RECEIPT_STATUSES);

export function queryDateTime(req: Request, name: string): Date | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  const d = parseDateTime(v);
  if (!d) throw bad(name, v, 'an ISO-8601 date-time');
  return d;
}

/** Month 1–12 and a day that month has: Date.UTC would quietly roll 2019-02-30 over to March. */
function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number);
  const date = new Date(Date.UTC(y ?? 0, (m ?? 0) - 1, d ?? 0));
  return date.getUTCFullYear() === y && date.getUTCMonth() + 1 === m && date.getUTCDate() === d;
}

/** `yyyy-MM-dd` read in Oslo time: the start of that day, or with `endOfDay` the last millisecond of it. */
export function queryDate(req: Request, name: string, endOfDay = false): Date | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !isCalendarDate(v)) throw bad(name, v, 'a date yyyy-MM-dd');
  const start = parseDateTime(`${v}T00:00:00`);
  if (!start) throw bad(name, v, 'a date yyyy-MM-dd');
  if (!endOfDay) return start;
  const next = new Date(start.getTime() + 36 * 3600_000);
  const nextDay = parseDateTime(`${next.toISOString().slice(0, 10)}T00:00:00`);
  return new Date((nextDay ?? next).getTime() - 1);
}

export function pathInt(value: unknown, name: string): number {
  const text = typeof value === 'string' ? value : '';
  if (!/^\d{1,15}$/.test(text)) throw new ValidationError(`Path parameter '${name}' must be a whole number, got '${text}'`, { code: 'EFM_INVALID_PATH_PARAMETER' });
  return Number(text);
}
