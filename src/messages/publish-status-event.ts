import type { Clock } from '../clock/index.js';
import { ValidationError, type FieldProblem } from '../domain/errors.js';
import { DIRECTIONS, RECEIPT_STATUSES, SERVICE_IDENTIFIERS } from '../domain/statuses.js';
import { formatOslo } from '../domain/time.js';
import type { Store } from '../store/index.js';

// The conformance test hook (CONTRACT.md §7): push a status event to the subscriptions as if that status
// had been recorded. Only the members given are sent, beside createdTs, resource and event.
const MEMBERS = ['conversationId', 'messageId', 'direction', 'serviceIdentifier', 'status', 'description'] as const;

export async function publishStatusEvent(store: Pick<Store, 'addWebhookEvent'>, clock: Clock, body: unknown): Promise<void> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('The body must be a JSON status event', { code: 'EFM_INVALID_STATUS_EVENT' });
  }
  const input = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const oneOf = (key: string, values: readonly string[], required: boolean) => {
    const v = input[key];
    if (v === undefined && !required) return;
    if (typeof v !== 'string' || !values.includes(v)) problems.push({ field: key, message: `must be one of ${values.join(', ')}`, code: 'OneOf', rejectedValue: v });
  };
  oneOf('status', RECEIPT_STATUSES, true);
  oneOf('direction', DIRECTIONS, true);
  oneOf('serviceIdentifier', SERVICE_IDENTIFIERS, false);
  for (const key of ['conversationId', 'messageId'] as const) {
    if (typeof input[key] !== 'string' || input[key] === '') problems.push({ field: key, message: 'must be a non-empty string', code: 'NotBlank' });
  }
  if (problems.length > 0) throw new ValidationError('Invalid status event', { code: 'EFM_INVALID_STATUS_EVENT', problems });
  const now = clock.now();
  const payload: Record<string, unknown> = { createdTs: formatOslo(now), resource: 'messages', event: 'status' };
  for (const key of MEMBERS) if (typeof input[key] === 'string') payload[key] = input[key];
  await store.addWebhookEvent(payload, now);
}
