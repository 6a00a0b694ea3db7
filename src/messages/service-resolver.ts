import {
  NotFoundInServiceRegistryError, ServiceRegistryLookupError, selectRecord, type ServiceRecord, type ServiceRegistryClient,
} from '../addressing/index.js';
import { ValidationError } from '../domain/errors.js';
import { businessMessageOf, conversationIdOf, processOf, receiverOf, standardOf, typeOf } from '../domain/sbd-access.js';
import type { StandardBusinessDocument } from '../domain/sbd.js';
import type { ServiceIdentifier } from '../domain/statuses.js';
import type { MessageRecord } from '../store/index.js';
import { PermanentSendError } from '../transports/index.js';
import { parsePartnerIdentifier, primaryIdentifier } from '../domain/identifiers.js';

// Which service carries a message: the integration point never takes it from the client; it asks the
// Service Registry for (receiver, process, security level) and takes the first record that lists the
// SBD's document type (api notes §5.2 step 2, addressing notes §9.5).
export class ReceiverDoesNotAcceptProcessError extends ValidationError {
  constructor(process: string, description?: string) {
    super(`Receiver do not accept the document process ${process}`, {
      code: 'EFM_RECEIVER_DOES_NOT_ACCEPT_PROCESS',
      exception: 'no.difi.meldingsutveksling.exceptions.ReceiverDoesNotAcceptProcessException',
      description,
    });
  }
}

export interface Resolution {
  service: ServiceIdentifier;
  /** The chosen record; absent for a print letter without receiver and for UNKNOWN. */
  record?: ServiceRecord;
}

function securityLevelOf(sbd: StandardBusinessDocument): number | undefined {
  const level = businessMessageOf(sbd)?.sikkerhetsnivaa;
  if (typeof level === 'number' && Number.isInteger(level)) return level;
  if (typeof level === 'string' && /^\d+$/.test(level)) return Number(level);
  return undefined;
}

export class ServiceResolver {
  /**
   * The receiver's record for sending an outgoing message (the outbox). What the registry refuses can
   * never be sent; an unreachable registry stays retryable.
   */
  async recordFor(message: MessageRecord): Promise<ServiceRecord | undefined> {
    try {
      return (await this.resolve(message.sbd)).record;
    } catch (err) {
      if (err instanceof ReceiverDoesNotAcceptProcessError) throw new PermanentSendError(err.description ? `${err.message}: ${err.description}` : err.message, { cause: err });
      throw err;
    }
  }

  constructor(private readonly registry: Pick<ServiceRegistryClient, 'lookup'>) {}

  async resolve(sbd: StandardBusinessDocument): Promise<Resolution> {
    const receiver = receiverOf(sbd);
    if (!receiver) return { service: typeOf(sbd) === 'print' ? 'DPI' : 'UNKNOWN' };
    const process = processOf(sbd) ?? '';
    const parsed = parsePartnerIdentifier(receiver.value, receiver.authority);
    const identifier = parsed ? primaryIdentifier(parsed) : receiver.value;
    let record: ServiceRecord | undefined;
    try {
      const resource = await this.registry.lookup({
        identifier, process, securityLevel: securityLevelOf(sbd), conversationId: conversationIdOf(sbd),
      });
      record = selectRecord(resource, { documentType: standardOf(sbd) });
    } catch (err) {
      // 404 and other registry refusals mean "cannot send this there" (400); an unreachable registry
      // stays an unavailability (503 + Retry-After), which is not the client's fault.
      if (err instanceof NotFoundInServiceRegistryError) throw new ReceiverDoesNotAcceptProcessError(process, err.description ?? err.message);
      if (err instanceof ServiceRegistryLookupError) throw new ReceiverDoesNotAcceptProcessError(process, err.description ?? err.message);
      throw err;
    }
    if (!record) throw new ReceiverDoesNotAcceptProcessError(process);
    return { service: record.service.identifier, record };
  }
}
