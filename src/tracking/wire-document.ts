import { formatOslo } from '../domain/index.js';
import type { TrackingEvent, TrackingField } from './event.js';
import { LEVEL_VALUES } from './event.js';
import { maskPersonNumbers, protectField } from './person-numbers.js';

// The JSON document of one event, one line on the wire: the LogstashEncoder's standard fields and the
// reference's custom fields (ops notes §3.1), the marker fields (§3.2), and `event_id` for dedup.

export interface TrackingIdentity {
  /** difi.move.org.number, the only field that tells the central side who reported (§3.1). */
  orgNumber: string;
  version: string;
  hostname: string;
  lastCommit?: string;
}

/**
 * The central side routes on `appname` and `logger_name` (§3.3); we keep the reference's name so its
 * dashboards and the nightly statistics count our events with everyone else's.
 */
const APPNAME = 'integrasjonspunkt';
const EVENT_ID_FIELD = 'event_id';
/** A description can hold a whole provider error body; the central index has no use for more. */
const MAX_TEXT_CHARS = 8192;

const ENVELOPE_KEYS = new Set(['@timestamp', '@version', 'logger_name', 'level', 'level_value', 'message', 'appname', 'HOSTNAME',
  'buildinfo.version', 'buildinfo.lastcommit', 'orgnr', EVENT_ID_FIELD]);

export function toWireDocument(event: TrackingEvent, identity: TrackingIdentity): Record<string, TrackingField> {
  const doc: Record<string, TrackingField> = {
    '@timestamp': formatOslo(event.at),
    '@version': '1',
    logger_name: event.logger,
    level: event.level,
    level_value: LEVEL_VALUES[event.level],
    message: maskPersonNumbers(truncate(event.message)),
    appname: APPNAME,
    HOSTNAME: identity.hostname,
    'buildinfo.version': identity.version,
    ...(identity.lastCommit === undefined ? {} : { 'buildinfo.lastcommit': identity.lastCommit }),
    orgnr: identity.orgNumber,
  };
  for (const [name, value] of Object.entries(event.fields)) {
    if (ENVELOPE_KEYS.has(name)) continue;
    doc[name] = protectField(name, typeof value === 'string' ? truncate(value) : value);
  }
  doc[EVENT_ID_FIELD] = event.eventId;
  return doc;
}

/** The event id of a document read back from the buffer or received by a collector. */
export function eventIdOf(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const id = (doc as Record<string, unknown>)[EVENT_ID_FIELD];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function truncate(text: string): string {
  return text.length > MAX_TEXT_CHARS ? `${text.slice(0, MAX_TEXT_CHARS)}…` : text;
}
