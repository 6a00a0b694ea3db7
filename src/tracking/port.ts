import type { Position } from './buffer-state.js';

// The seam between the reporter and a collector: json_lines over TCP (the reference's Logstash
// transport) and HTTP with acknowledgements implement it.

/** One buffered event: its id and its JSON document, exactly as recorded. */
export interface BufferedEvent {
  eventId: string;
  line: string;
}

/** A line read from the buffer; `send` is false for a line already acknowledged or unreadable. */
export interface BufferEntry {
  eventId?: string;
  end: Position;
  send: boolean;
}

export interface BufferBatch {
  /** What to deliver, in order. */
  readonly events: readonly BufferedEvent[];
  /** Every line the batch covers, for acknowledge(). */
  readonly entries: readonly BufferEntry[];
}

export interface RejectedEvent {
  eventId: string;
  reason: string;
}

export interface Delivery {
  /** Ids the collector confirmed it holds; 'all' when the transport confirms the whole batch at once. */
  stored: ReadonlySet<string> | 'all';
  /** Ids the collector refused for good (malformed, say): never sent again, counted and logged. */
  rejected: readonly RejectedEvent[];
}

export interface TrackingTransport {
  /** Where events go, for health and logs (never a secret). */
  readonly destination: string;
  /** Delivers the events; throws a TrackingDeliveryError when the collector cannot take them now. */
  deliver(events: readonly BufferedEvent[], signal: AbortSignal): Promise<Delivery>;
  close(): Promise<void>;
}
