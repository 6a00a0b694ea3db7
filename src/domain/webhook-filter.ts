import { ValidationError } from './errors.js';

// Which webhook subscriptions an event goes to (api notes §2.10). A filter is `key=value[,value…]` parts
// joined by `&`: values within a part are ORed, parts are ANDed, and a value matches the event's field
// ignoring case. Keys are matched exactly, as the reference looks them up by name: `Status=FEIL` is an
// unknown filter there too. Values are not checked against the known statuses or services, as in the
// reference: a misspelt value is accepted and simply never matches.

export const WEBHOOK_FILTER_KEYS = ['status', 'serviceIdentifier', 'direction'] as const;
export type WebhookFilterKey = (typeof WEBHOOK_FILTER_KEYS)[number];

/** The only operator the reference knows. */
export type WebhookFilterOperator = '=';

export interface WebhookFilterPart {
  key: WebhookFilterKey;
  operator: WebhookFilterOperator;
  /** At least one; compared ignoring case. */
  values: string[];
}

export interface WebhookFilter {
  parts: WebhookFilterPart[];
}

/** What a subscription says it wants (the stored Subscription satisfies it). */
export interface WebhookSubscriptionRule {
  resource: string;
  event: string;
  filter?: string;
}

const EXCEPTIONS = 'no.difi.meldingsutveksling.exceptions';
const INVALID_FILTER_MESSAGE = 'Must be a valid filter definition.';

/**
 * The filter text breaks the grammar. At subscription create and update the reference reports every
 * parse failure as this bean-validation constraint (`WebhookFilter`) on the `filter` field (api notes §5.5).
 */
export class InvalidWebhookFilterError extends ValidationError {
  constructor(filter: string, cause?: unknown) {
    super(INVALID_FILTER_MESSAGE, {
      code: 'EFM_WEBHOOK_FILTER_INVALID',
      exception: 'org.springframework.web.bind.MethodArgumentNotValidException',
      problems: [{ field: 'filter', message: INVALID_FILTER_MESSAGE, code: 'WebhookFilter', rejectedValue: filter }],
      cause,
    });
  }
}

export class WebhookUnknownFilterError extends ValidationError {
  readonly key: string;
  constructor(key: string) {
    super(`Unknown webhook filter: ${key}`, { code: 'EFM_WEBHOOK_UNKNOWN_FILTER', exception: `${EXCEPTIONS}.WebhookUnknownFilterException` });
    this.key = key;
  }
}

export class WebhookUnknownFilterOperationError extends ValidationError {
  readonly operator: string;
  constructor(operator: string) {
    super(`Unknown webhook filter operation: ${operator}`, {
      code: 'EFM_WEBHOOK_UNKNOWN_FILTER_OPERATION',
      exception: `${EXCEPTIONS}.WebhookUnknownFilterOperationException`,
    });
    this.operator = operator;
  }
}

// key, operator (a run of symbols, so `!=` and `~` are reported as unknown operators), value.
const PART = /^(\w+)([^\w\s,]+)(.+)$/;

function isFilterKey(key: string): key is WebhookFilterKey {
  return (WEBHOOK_FILTER_KEYS as readonly string[]).includes(key);
}

function parsePart(text: string, filter: string): WebhookFilterPart {
  const m = PART.exec(text);
  if (!m) throw new InvalidWebhookFilterError(filter);
  const [, key = '', operator = '', rest = ''] = m;
  if (!isFilterKey(key)) throw new WebhookUnknownFilterError(key);
  if (operator !== '=') throw new WebhookUnknownFilterOperationError(operator);
  const values = rest.split(',').filter((v) => v !== '');
  if (values.length === 0) throw new InvalidWebhookFilterError(filter);
  return { key, operator, values };
}

/**
 * Parses a filter. Throws WebhookUnknownFilterError for a key other than status, serviceIdentifier and
 * direction (checked first, as the reference does), WebhookUnknownFilterOperationError for an operator
 * other than `=`, and InvalidWebhookFilterError for anything else that is not `key=value[,value…]`.
 */
export function parseWebhookFilter(filter: string): WebhookFilter {
  return { parts: filter.split('&').map((part) => parsePart(part, filter)) };
}

/** For subscription create and update: any parse failure becomes the reference's constraint error. */
export function validateWebhookFilter(filter: string | undefined): void {
  if (filter === undefined || filter.trim() === '') return;
  try {
    parseWebhookFilter(filter);
  } catch (e) {
    if (e instanceof InvalidWebhookFilterError) throw e;
    throw new InvalidWebhookFilterError(filter, e);
  }
}

export function matchesWebhookFilter(filter: WebhookFilter, payload: Readonly<Record<string, unknown>>): boolean {
  return filter.parts.every((part) => {
    const actual = payload[part.key];
    if (typeof actual !== 'string') return false;
    const wanted = actual.toUpperCase();
    return part.values.some((v) => v.toUpperCase() === wanted);
  });
}

/**
 * Whether an event goes to a subscription. `resource` and `event` match exactly or by `all` (the
 * reference compares them case-sensitively); a blank filter matches everything. A ping is sent only to
 * the endpoint being created or changed, so it never matches. Throws the parse errors of
 * parseWebhookFilter when a stored filter is broken.
 */
export function matchesSubscription(subscription: WebhookSubscriptionRule, payload: Readonly<Record<string, unknown>>): boolean {
  if (payload.event === 'ping') return false;
  if (subscription.resource !== 'all' && subscription.resource !== payload.resource) return false;
  if (subscription.event !== 'all' && subscription.event !== payload.event) return false;
  const filter = subscription.filter;
  if (filter === undefined || filter.trim() === '') return true;
  return matchesWebhookFilter(parseWebhookFilter(filter), payload);
}
