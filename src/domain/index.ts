export * from './errors.js';
export * from './sbd.js';
export * from './statuses.js';
export * from './time.js';
export * from './webhook-event.js';
export * from './webhook-filter.js';
