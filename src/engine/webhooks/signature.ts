import { createHmac, timingSafeEqual } from 'node:crypto';

// Standard Webhooks signing (https://www.standardwebhooks.com/, spec "Signature scheme"): beyond the
// reference, a subscription with a `secret` gets every push signed so a case system can trust it.
// The signed content is `${webhook-id}.${webhook-timestamp}.${body}`, HMAC-SHA256, base64, prefixed
// `v1,`. Key bytes: a secret written as the spec serialises it, `whsec_<base64>`, is the decoded bytes
// (so secrets made by Standard Webhooks libraries work as they are); any other secret is its UTF-8 bytes.

export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/** The spec's recommended replay window. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

const WHSEC_PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(WHSEC_PREFIX) ? secret.slice(WHSEC_PREFIX.length) : undefined;
  if (encoded !== undefined && encoded !== '' && BASE64.test(encoded)) return Buffer.from(encoded, 'base64');
  return Buffer.from(secret, 'utf8');
}

export interface SignWebhookInput {
  secret: string;
  webhookId: string;
  /** Unix time in seconds. */
  timestamp: number;
  body: string | Buffer;
}

function hmac(input: SignWebhookInput): Buffer {
  return createHmac('sha256', webhookSecretKey(input.secret))
    .update(`${input.webhookId}.${input.timestamp}.`)
    .update(input.body)
    .digest();
}

/** The `webhook-signature` header value: `v1,<base64 HMAC-SHA256>`. */
export function signWebhook(input: SignWebhookInput): string {
  return `v1,${hmac(input).toString('base64')}`;
}

/** The three headers of a signed push. */
export function webhookSignatureHeaders(input: SignWebhookInput): Record<string, string> {
  return {
    [WEBHOOK_ID_HEADER]: input.webhookId,
    [WEBHOOK_TIMESTAMP_HEADER]: String(input.timestamp),
    [WEBHOOK_SIGNATURE_HEADER]: signWebhook(input),
  };
}

export interface VerifyWebhookInput {
  secret: string;
  /** Request headers as node gives them (lower-case names). */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw body exactly as received, before any JSON parsing. */
  body: string | Buffer;
  /** The receiver's now, to reject replays. */
  now: Date;
  toleranceSeconds?: number;
}

function header(headers: VerifyWebhookInput['headers'], name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * For case systems and tests: true when the headers carry a `v1` signature of this body by this secret
 * and the timestamp is within the tolerance of `now`. The signature header may list several
 * space-separated signatures (key rotation); one match is enough.
 */
export function verifyWebhook(input: VerifyWebhookInput): boolean {
  const webhookId = header(input.headers, WEBHOOK_ID_HEADER);
  const timestampText = header(input.headers, WEBHOOK_TIMESTAMP_HEADER);
  const signatures = header(input.headers, WEBHOOK_SIGNATURE_HEADER);
  if (!webhookId || !timestampText || !signatures || !/^\d+$/.test(timestampText)) return false;
  const timestamp = Number(timestampText);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(Math.floor(input.now.getTime() / 1000) - timestamp) > tolerance) return false;
  const expected = hmac({ secret: input.secret, webhookId, timestamp, body: input.body });
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
