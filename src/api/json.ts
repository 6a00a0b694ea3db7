import type { Response } from 'express';

// The reference writes indented JSON and leaves out null members (api notes §1.1, Jackson NON_NULL).
function dropNulls(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

export function jsonText(value: unknown): string {
  return JSON.stringify(value, dropNulls, 2);
}

export function sendJson(res: Response, value: unknown, status = 200): void {
  res.status(status).type('application/json').send(jsonText(value));
}
