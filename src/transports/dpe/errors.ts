import { EfmError, UnavailableError } from '../../domain/index.js';

// Failures at the edge of the DPE transport (transports notes §5.5): what a later try may fix is
// Unavailable; a refusal carries the HTTP status, so the send path can tell the message's own fault
// (400, 413) from a key or queue that may be set right while the message waits (401, 403, 404).

/** The Service Bus did not answer, timed out, or answered 5xx, 408 or 429. */
export class ServiceBusUnavailableError extends UnavailableError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_SERVICE_BUS_UNAVAILABLE', cause });
  }
}

/** The Service Bus answered 4xx. */
export class ServiceBusRefusedError extends EfmError {
  readonly status: number;
  constructor(operation: string, status: number, detail?: string) {
    super(`Service Bus refused ${operation} (${status})${detail ? `: ${detail}` : ''}`, {
      code: 'EFM_SERVICE_BUS_REFUSED',
      kind: 'internal',
      description: detail,
    });
    this.status = status;
  }
}

/** No SAS key is configured for the Service Bus (efm.dpe.sas-token). */
export class MissingSasKeyError extends EfmError {
  constructor() {
    super('no Service Bus SAS key: set efm.dpe.sas-token (difi.move.nextmove.serviceBus.sasToken)', { code: 'EFM_SERVICE_BUS_NO_SAS_KEY', kind: 'internal' });
  }
}

/** A message on our queue that is no DPE message we can read; it is deleted and dropped. */
export class UnreadableServiceBusMessageError extends EfmError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'EFM_DPE_UNREADABLE_MESSAGE', kind: 'validation', cause });
  }
}
