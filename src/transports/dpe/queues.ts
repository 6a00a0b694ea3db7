import type { ServiceRecord } from '../../addressing/index.js';
import { businessMessageOf, hasText, typeOf, type StandardBusinessDocument } from '../../domain/index.js';
import { PermanentSendError } from '../port.js';

// Queue names on the eInnsyn Service Bus (transports notes §5.5 queue names): each organisation reads
// `nextbestqueue<orgnr><mode>`. A message goes to the receiver's queue named by its Service Registry
// record's endpointUrl; status messages and eInnsyn receipts have no record of their own and go back to
// the queue the other side reads them from.

export type ServiceBusMode = 'innsyn' | 'data' | 'meeting';

const PREFIX = 'nextbestqueue';

export function ownQueue(orgnr: string, mode: ServiceBusMode): string {
  return `${PREFIX}${orgnr}${mode}`;
}

export interface Destination {
  sbd: StandardBusinessDocument;
  receiver: string;
  record?: ServiceRecord;
  mode: ServiceBusMode;
  receiptQueue?: string;
}

export function destinationQueue(d: Destination): string {
  return `${PREFIX}${d.receiver}${suffixOf(d)}`;
}

function suffixOf(d: Destination): string {
  switch (typeOf(d.sbd)) {
    case 'status':
      return d.receiptQueue ?? (d.mode === 'meeting' ? 'innsyn' : d.mode === 'innsyn' ? 'data' : 'innsyn');
    case 'einnsyn_kvittering':
      return d.receiptQueue ?? (businessMessageOf(d.sbd)?.referanseType === 'INNSYNSKRAV' ? 'data' : 'innsyn');
    default: {
      const endpoint = d.record?.service.endpointUrl;
      if (!hasText(endpoint)) throw new PermanentSendError('the receiver\'s Service Registry record names no Service Bus queue (endpointUrl) for DPE');
      return endpoint;
    }
  }
}
