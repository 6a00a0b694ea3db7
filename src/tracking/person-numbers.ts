import { hashPersonNumber } from '../logging/index.js';
import type { TrackingField } from './event.js';

// No fødselsnummer leaves the daemon in clear. The reference's two rules (ops notes §3.1, §3.2):
// identifier fields that are exactly 11 digits become their SHA-256 hex (IdentifierHasher), so the
// central side can still count and correlate them; free text has every run of exactly 11 digits
// replaced by ten asterisks. We apply the hashing to the sender fields too, and to an 11-digit run
// inside an identifier with a scheme prefix, where the reference would let it through.
const ELEVEN_DIGITS = /(?<!\d)\d{11}(?!\d)/g;
const MASK = '**********';
/**
 * message_id and conversation_id are UUIDs (api notes §3.2). About one in a hundred has an 11-digit
 * run in its last group; masking that would send the central side an id that matches no message.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const IDENTIFIER_FIELDS: ReadonlySet<string> = new Set(['sender', 'sender_org_number', 'receiver', 'receiver_org_number']);

export function hashIdentifier(value: string): string {
  return value.replace(ELEVEN_DIGITS, (digits) => hashPersonNumber(digits));
}

export function maskPersonNumbers(text: string): string {
  return text.replace(ELEVEN_DIGITS, MASK);
}

/** The field with person numbers hashed (identifier fields) or masked (everything else). */
export function protectField(name: string, value: TrackingField): TrackingField {
  if (typeof value !== 'string' || UUID.test(value)) return value;
  return IDENTIFIER_FIELDS.has(name) ? hashIdentifier(value) : maskPersonNumbers(value);
}
