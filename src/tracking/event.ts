// One tracking event as the reference's Logstash encoder ships it (ops notes §3.1, §3.2): the logger
// it came from, a level, a fixed message text and the marker fields. The envelope every event shares
// (appname, HOSTNAME, buildinfo.version, orgnr) is added when the event is recorded.

/** `STATUS`: one event per status added to a conversation; `AUDIT`: the business audit trail. */
export type TrackingLogger = 'STATUS' | 'AUDIT';

export type TrackingLevel = 'INFO' | 'WARN' | 'ERROR';

/** A marker field's value: JSON scalars only, so every field is a flat key in the document. */
export type TrackingField = string | number | null;

export interface TrackingEvent {
  /** Stable id of this event: a resend carries the same id, so a collector can drop the duplicate. */
  readonly eventId: string;
  readonly logger: TrackingLogger;
  readonly level: TrackingLevel;
  readonly at: Date;
  readonly message: string;
  /** The marker fields, named as the reference names them (`conversation_id`, `receiver_org_number`, …). */
  readonly fields: Readonly<Record<string, TrackingField>>;
}

/** Logback's numeric levels, which the encoder writes as `level_value`. */
export const LEVEL_VALUES: Readonly<Record<TrackingLevel, number>> = { INFO: 20000, WARN: 30000, ERROR: 40000 };
