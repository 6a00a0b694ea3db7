// The sandbox's Azure Service Bus namespace (DPE).
export { startFakeServiceBus, type FakeServiceBus, type FakeServiceBusOptions } from './fake-service-bus.js';
export type { QueuedMessage } from './queue-state.js';
