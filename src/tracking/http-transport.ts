import type { SecureContextOptions } from 'node:tls';
import type { Dispatcher } from 'undici';
import { loadUndici } from '../http/index.js';
import { TrackingDeliveryError } from './errors.js';
import type { BufferedEvent, Delivery, RejectedEvent, TrackingTransport } from './port.js';

// HTTP with acknowledgements (our protocol; the reference has none, ops notes §3.1):
//   POST <url>, Content-Type application/json, body {"events":[<event document>, …]}
//   200 {"stored":["<event_id>", …], "rejected":[{"eventId":"…","reason":"…"}]}
// `stored` names every event of the batch the collector holds (new or already held), `rejected`
// those it will never take. Anything else — another status, a body we cannot read, no answer — is a
// failed delivery and the batch is sent again. The reporter records the acknowledgement durably
// before anything else, so an acknowledged event is never sent again.

export interface HttpTransportOptions {
  url: string;
  /** Client TLS options for an https URL (client certificate, CA). */
  tls?: SecureContextOptions;
  timeoutMs: number;
}

export class HttpTransport implements TrackingTransport {
  readonly destination: string;
  private dispatcher: Promise<Dispatcher> | undefined;

  constructor(private readonly o: HttpTransportOptions) {
    const url = new URL(o.url);
    this.destination = `${url.origin}${url.pathname}`;
  }

  async deliver(events: readonly BufferedEvent[], signal: AbortSignal): Promise<Delivery> {
    const body = `{"events":[${events.map((e) => e.line).join(',')}]}`;
    let status: number;
    let text: string;
    try {
      const { request } = await loadUndici();
      const response = await request(this.o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        dispatcher: await this.agent(),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.o.timeoutMs)]),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (cause) {
      throw new TrackingDeliveryError(`${this.destination}: ${describe(cause)}`, cause);
    }
    if (status !== 200) throw new TrackingDeliveryError(`${this.destination}: answered HTTP ${status}`);
    return parseAnswer(text, this.destination);
  }

  async close(): Promise<void> {
    const agent = this.dispatcher;
    this.dispatcher = undefined;
    if (agent) await (await agent).close();
  }

  private agent(): Promise<Dispatcher> {
    this.dispatcher ??= loadUndici().then(({ Agent }) => new Agent({
      connect: { ...(this.o.tls ?? {}), timeout: this.o.timeoutMs },
      headersTimeout: this.o.timeoutMs,
      bodyTimeout: this.o.timeoutMs,
    }));
    return this.dispatcher;
  }
}

function parseAnswer(text: string, destination: string): Delivery {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TrackingDeliveryError(`${destination}: the answer is not JSON`);
  }
  const { stored, rejected } = (typeof raw === 'object' && raw !== null ? raw : {}) as { stored?: unknown; rejected?: unknown };
  if (!Array.isArray(stored)) throw new TrackingDeliveryError(`${destination}: the answer has no "stored" list`);
  return {
    stored: new Set(stored.filter((id): id is string => typeof id === 'string')),
    rejected: Array.isArray(rejected) ? rejected.flatMap(toRejected) : [],
  };
}

function toRejected(item: unknown): RejectedEvent[] {
  if (typeof item !== 'object' || item === null) return [];
  const { eventId, reason } = item as { eventId?: unknown; reason?: unknown };
  return typeof eventId === 'string' ? [{ eventId, reason: typeof reason === 'string' ? reason : 'rejected' }] : [];
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code} ${error.message}` : error.message;
}
