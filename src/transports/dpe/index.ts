// DPE over the Azure Service Bus REST API: the transport, its SAS key source and its errors.
export { createDpeTransport, type DpeSettings, type DpeTransportOptions } from './dpe-transport.js';
export { configuredSasKey, type SasKeySource } from './sas-token.js';
export { ownQueue, type ServiceBusMode } from './queues.js';
export { MissingSasKeyError, ServiceBusRefusedError, ServiceBusUnavailableError, UnreadableServiceBusMessageError } from './errors.js';
