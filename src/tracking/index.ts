// Public surface of central tracking (issue 6; ops notes §3): map status changes and message events
// to the reference's event shape, buffer them durably, deliver them to a collector.
export type { TrackingEvent, TrackingField, TrackingLevel, TrackingLogger } from './event.js';
export { statusChangeEvent } from './status-event.js';
export { messageEvent } from './message-event.js';
export type { MessageEventInput, MessageEventKind, MessageEventSubject } from './message-event.js';
export { toWireDocument, eventIdOf } from './wire-document.js';
export type { TrackingIdentity } from './wire-document.js';
