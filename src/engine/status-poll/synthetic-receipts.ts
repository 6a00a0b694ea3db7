import type { Clock } from '../../clock/index.js';
import { createArkivmeldingReceiptSbd, STANDARDS, type ReceiptStatus, type ServiceIdentifier } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import type { IncomingSink } from '../../transports/index.js';
import type { OnPolledStatus } from './status-poll.js';

// DPV and DPF carry no receipts back, so the reference makes one up for an arkivmelding
// (`difi.move.arkivmelding.generate-arkivmelding-receipts`, default on, off in its staging and
// production profiles): on DPV's LEVERT (published in Altinn) and on SvarUt's LEST (downloaded by the
// recipient), an arkivmelding_kvittering OK goes into our own in-queue (api notes §4.3, transports
// notes §5.2 and DPF status polling). The inbox stores it like any incoming message and, since it came
// over DPV or DPF, does not turn it into LEST on the original.

/** The status at which each service's receipt is made. */
const RECEIPT_AT: Partial<Record<ServiceIdentifier, ReceiptStatus>> = { DPV: 'LEVERT', DPF: 'LEST' };

export interface SyntheticReceiptsOptions {
  inbox: Pick<IncomingSink, 'accept'>;
  clock: Clock;
  /** The receipt's time to live, as for any message of that service. */
  ttlHours: (service: ServiceIdentifier) => number;
  log: Logger;
}

export function syntheticReceipts(o: SyntheticReceiptsOptions): OnPolledStatus {
  return async (service, conversation, status) => {
    if (RECEIPT_AT[service] !== status || conversation.documentIdentifier !== STANDARDS.arkivmelding) return;
    const sbd = createArkivmeldingReceiptSbd({ answered: conversation, now: o.clock.now(), ttlHours: o.ttlHours(service) });
    const outcome = await o.inbox.accept({ sbd }, service);
    o.log.info({ messageId: conversation.messageId, serviceIdentifier: service, outcome }, 'arkivmelding receipt made for the case system');
  };
}
