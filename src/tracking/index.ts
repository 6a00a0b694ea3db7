// Public surface of central tracking (issue 6; ops notes §3): map status changes and message events
// to the reference's event shape, buffer them durably, deliver them to a collector.
export type { TrackingEvent, TrackingField, TrackingLevel, TrackingLogger } from './event.js';
export { statusChangeEvent } from './status-event.js';
export { messageEvent } from './message-event.js';
export type { MessageEventInput, MessageEventKind, MessageEventSubject } from './message-event.js';
export { toWireDocument } from './wire-document.js';
export type { TrackingIdentity } from './wire-document.js';
export { createTrackingReporter, parseDestination } from './create-reporter.js';
export type { CreateTrackingReporterOptions, TrackingSettings } from './create-reporter.js';
export { ActiveTrackingReporter } from './reporter.js';
export type { TrackingBufferPort, TrackingHealth, TrackingReporter, TrackingReporterOptions } from './reporter.js';
export { TrackingBuffer } from './buffer.js';
export type { BufferStats, TrackingBufferOptions } from './buffer.js';
export { HttpTransport } from './http-transport.js';
export type { HttpTransportOptions } from './http-transport.js';
export type { BufferBatch, BufferedEvent, Delivery, RejectedEvent, TrackingTransport } from './port.js';
export { TrackingConfigError, TrackingDeliveryError } from './errors.js';
