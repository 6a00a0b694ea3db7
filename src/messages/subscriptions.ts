import { NotFoundError, ValidationError, type FieldProblem } from '../domain/errors.js';
import { validateWebhookFilter } from '../domain/webhook-filter.js';
import type { Logger } from '../logging/index.js';
import type { NewSubscription, Page, PageRequest, Store, Subscription } from '../store/index.js';

// Webhook subscriptions (api notes §2.10, §5.5): validated like the reference's bean constraints, pinged
// on create and when the endpoint changes. The ping is best effort: a failing endpoint never fails the
// create, as in the reference.
const EXCEPTIONS = 'no.difi.meldingsutveksling.exceptions';
const RESOURCES = ['all', 'messages'];
const EVENTS = ['all', 'status'];
const MIN_SECRET_LENGTH = 16;

export class SubscriptionNotFoundError extends NotFoundError {
  constructor(id: number | string) {
    super(`Subscription with id = ${id} was not found`, { code: 'EFM_SUBSCRIPTION_NOT_FOUND', exception: `${EXCEPTIONS}.SubscriptionNotFoundException` });
  }
}

export class DuplicateSubscriptionError extends ValidationError {
  constructor() {
    super('A subscription with the same name and pushEndpoint already exists', {
      code: 'EFM_SUBSCRIPTION_EXISTS', exception: `${EXCEPTIONS}.SubscriptionWithSameNameAndPushEndpointAlreadyExists`,
    });
  }
}

export interface SubscriptionView {
  id: number;
  name: string;
  pushEndpoint: string;
  resource: string;
  event: string;
  filter?: string;
  /** Only says whether deliveries are signed; the secret itself is never returned. */
  signed?: boolean;
}

export function viewOf(s: Subscription): SubscriptionView {
  const v: SubscriptionView = { id: s.id, name: s.name, pushEndpoint: s.pushEndpoint, resource: s.resource, event: s.event };
  if (s.filter) v.filter = s.filter;
  if (s.secret) v.signed = true;
  return v;
}

type Input = Record<string, unknown>;

function str(input: Input, key: string): string | undefined {
  const v = input[key];
  return typeof v === 'string' ? v : undefined;
}

function checkFields(input: Input, partial: boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const need = (key: string, ok: boolean, message: string, code: string) => {
    const present = input[key] !== undefined && input[key] !== null;
    if ((present || !partial) && !ok) problems.push({ field: key, message, code, rejectedValue: input[key] ?? null });
  };
  const name = str(input, 'name');
  need('name', !!name && name.trim().length > 0, 'must not be blank', 'NotBlank');
  const endpoint = str(input, 'pushEndpoint');
  need('pushEndpoint', !!endpoint && isHttpUrl(endpoint), 'must be a valid URL', 'URL');
  const resource = str(input, 'resource');
  need('resource', !!resource && RESOURCES.includes(resource), `must be one of: ${RESOURCES.join(', ')}`, 'OneOf');
  const event = str(input, 'event');
  need('event', !!event && EVENTS.includes(event), `must be one of: ${EVENTS.join(', ')}`, 'OneOf');
  const secret = input.secret;
  if (secret !== undefined && secret !== null && (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH)) {
    problems.push({ field: 'secret', message: `must be a string of at least ${MIN_SECRET_LENGTH} characters`, code: 'Size' });
  }
  const filter = input.filter;
  if (filter !== undefined && filter !== null && typeof filter !== 'string') problems.push({ field: 'filter', message: 'must be a string', code: 'WebhookFilter', rejectedValue: filter });
  return problems;
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function asInput(body: unknown): Input {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('The request body must be a JSON object', { code: 'EFM_INVALID_SUBSCRIPTION' });
  }
  return body as Input;
}

function rejectIfAny(problems: FieldProblem[]): void {
  if (problems.length === 0) return;
  throw new ValidationError(`Validation failed for subscription: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, {
    code: 'EFM_INVALID_SUBSCRIPTION', exception: 'org.springframework.web.bind.MethodArgumentNotValidException', problems,
  });
}

export interface SubscriptionsOptions {
  store: Pick<Store, 'createSubscription' | 'findSubscription' | 'findSubscriptionByNameAndEndpoint' | 'listSubscriptions' | 'updateSubscription' | 'deleteSubscription' | 'deleteAllSubscriptions'>;
  ping: (subscription: Subscription) => Promise<boolean>;
  log: Logger;
}

export class Subscriptions {
  constructor(private readonly o: SubscriptionsOptions) {}

  async create(body: unknown): Promise<SubscriptionView> {
    const input = asInput(body);
    const problems = checkFields(input, false);
    if (input.id !== undefined && input.id !== null) problems.push({ field: 'id', message: 'must be null', code: 'Null', rejectedValue: input.id });
    rejectIfAny(problems);
    const filter = str(input, 'filter') || undefined;
    validateWebhookFilter(filter);
    const fresh: NewSubscription = {
      name: str(input, 'name') ?? '',
      pushEndpoint: str(input, 'pushEndpoint') ?? '',
      resource: str(input, 'resource') ?? '',
      event: str(input, 'event') ?? '',
      filter,
      secret: str(input, 'secret'),
    };
    if (await this.o.store.findSubscriptionByNameAndEndpoint(fresh.name, fresh.pushEndpoint)) throw new DuplicateSubscriptionError();
    const created = await this.o.store.createSubscription(fresh);
    await this.pingQuietly(created);
    return viewOf(created);
  }

  async get(id: number): Promise<SubscriptionView> {
    const s = await this.o.store.findSubscription(id);
    if (!s) throw new SubscriptionNotFoundError(id);
    return viewOf(s);
  }

  async list(page: PageRequest): Promise<Page<SubscriptionView>> {
    const p = await this.o.store.listSubscriptions(page);
    return { ...p, content: p.content.map(viewOf) };
  }

  /** Only the members present (and not null) change (api notes §2.10). */
  async update(id: number, body: unknown): Promise<void> {
    const input = asInput(body);
    rejectIfAny(checkFields(input, true));
    const existing = await this.o.store.findSubscription(id);
    if (!existing) throw new SubscriptionNotFoundError(id);
    const patch: Partial<NewSubscription> = {};
    for (const key of ['name', 'pushEndpoint', 'resource', 'event', 'filter', 'secret'] as const) {
      const v = str(input, key);
      if (v !== undefined) patch[key] = v;
    }
    if (patch.filter !== undefined) validateWebhookFilter(patch.filter || undefined);
    const updated = await this.o.store.updateSubscription(id, patch);
    if (!updated) throw new SubscriptionNotFoundError(id);
    if (patch.pushEndpoint !== undefined && patch.pushEndpoint !== existing.pushEndpoint) await this.pingQuietly(updated);
  }

  async remove(id: number): Promise<void> {
    if (!(await this.o.store.deleteSubscription(id))) throw new SubscriptionNotFoundError(id);
  }

  async removeAll(): Promise<void> {
    await this.o.store.deleteAllSubscriptions();
  }

  private async pingQuietly(s: Subscription): Promise<void> {
    const ok = await this.o.ping(s).catch(() => false);
    if (!ok) this.o.log.warn({ subscriptionId: s.id }, 'webhook ping was not answered with 2xx');
  }
}
