import { businessMessageOf, type ReceiptStatus, type StandardBusinessDocument } from '../../domain/index.js';
import type { StatusDetails } from '../../messages/status-registry.js';

// An arkivmelding_kvittering answers an arkivmelding we sent (api notes §4.3, transports notes §5.1
// step 5): ERROR and NOTSUPPORTED give FEIL, anything else (OK, WARNING, unknown) gives LEST, on the
// message it names in relatedToMessageId.

export interface ReceiptEffect {
  relatedToMessageId: string;
  status: Extract<ReceiptStatus, 'LEST' | 'FEIL'>;
  details: Required<StatusDetails>;
}

export function arkivmeldingReceiptEffect(sbd: StandardBusinessDocument): ReceiptEffect | undefined {
  const body = businessMessageOf(sbd);
  const related = body?.relatedToMessageId;
  if (body === undefined || typeof related !== 'string' || related === '') return undefined;
  const receiptType = typeof body.receiptType === 'string' ? body.receiptType : 'null';
  return {
    relatedToMessageId: related,
    status: receiptType === 'ERROR' || receiptType === 'NOTSUPPORTED' ? 'FEIL' : 'LEST',
    details: { description: `ArkivmeldingKvittering: ${receiptType}`, rawReceipt: JSON.stringify(body) },
  };
}
