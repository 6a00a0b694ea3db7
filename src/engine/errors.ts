import { EfmError } from '../domain/index.js';

/** The engine was wired wrongly (two transports for one service, say): the daemon must not start. */
export class EngineSetupError extends EfmError {
  constructor(message: string) {
    super(message, { code: 'EFM_ENGINE_SETUP', kind: 'internal' });
  }
}

/**
 * Another worker took over the message while this one was sending it (this worker's lease ran out).
 * Thrown from SendContext.saveState so that a transport stops before its irreversible step.
 */
export class OutboxLeaseLostError extends EfmError {
  constructor(messageId: string) {
    super(`The outbox lease on message ${messageId} was lost to another worker`, { code: 'EFM_OUTBOX_LEASE_LOST', kind: 'conflict' });
  }
}
