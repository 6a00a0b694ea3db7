import { createHash } from 'node:crypto';

// No national identity number may appear in a log line (DEVELOPERS.md, security by default). The
// reference hashes 11-digit identifiers with SHA-256 hex in its logs (addressing notes §10.3); we do the
// same to every free-standing run of exactly 11 digits, which also covers D-numbers and synthetic
// numbers, at the price of hashing the odd 11-digit value that is not a person.
// A run inside a longer word is not a person number: one UUID in a hundred has eleven digits in a row in
// its last group, and hashing that would make the message id impossible to find in the logs.
const ELEVEN_DIGITS = /(?<![\w-])\d{11}(?![\w-])/g;

export function hashPersonNumber(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function redactPersonNumbers(text: string): string {
  return text.replace(ELEVEN_DIGITS, (m) => `fnr-sha256:${hashPersonNumber(m).slice(0, 16)}`);
}

/** Deeply redacts person numbers in strings of a log object (objects are copied, not mutated). */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactPersonNumbers(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, depth + 1);
  return out;
}
