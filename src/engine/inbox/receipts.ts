import { businessMessageOf, typeOf, type ReceiptStatus, type ServiceIdentifier, type StandardBusinessDocument } from '../../domain/index.js';
import type { StatusDetails } from '../../messages/status-registry.js';

// An arkivmelding_kvittering answers an arkivmelding we sent (api notes §4.3, transports notes §5.1
// step 5): ERROR and NOTSUPPORTED give FEIL, anything else (OK, WARNING, unknown) gives LEST, on the
// message it names in relatedToMessageId.

export interface ReceiptEffect {
  relatedToMessageId: string;
  status: Extract<ReceiptStatus, 'LEVERT' | 'LEST' | 'FEIL'>;
  details: Required<StatusDetails>;
}

type ReceiptReader = (sbd: StandardBusinessDocument) => ReceiptEffect | undefined;

/**
 * The receipts that carry a status for the message they answer, by type, with the one service they
 * do so over: an arkivmelding_kvittering over DPO (DPV and DPF ones are made up locally and change
 * nothing), a dialogmelding_kvittering (the application receipt) over DPH.
 */
const STATUS_RECEIPTS: ReadonlyMap<string, { service: ServiceIdentifier; read: ReceiptReader }> = new Map([
  ['arkivmelding_kvittering', { service: 'DPO', read: (sbd: StandardBusinessDocument) => arkivmeldingReceiptEffect(sbd) }],
  ['dialogmelding_kvittering', { service: 'DPH', read: (sbd: StandardBusinessDocument) => dialogmeldingReceiptEffect(sbd) }],
]);

/** How to read `sbd` as a receipt with a status, when it is one over `service`; undefined otherwise. */
export function statusReceiptReader(sbd: StandardBusinessDocument, service: ServiceIdentifier): ReceiptReader | undefined {
  const known = STATUS_RECEIPTS.get(typeOf(sbd) ?? '');
  return known?.service === service ? known.read : undefined;
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

// transports notes §5.6, receive step 3: an application receipt OK gives LEVERT; REJECTED and
// OK_ERROR_IN_MESSAGE_PART give FEIL. Any other status changes nothing. The description is ours (the
// notes do not give the reference's), in the form of the arkivmelding receipt's.
export function dialogmeldingReceiptEffect(sbd: StandardBusinessDocument): ReceiptEffect | undefined {
  const body = businessMessageOf(sbd);
  const related = body?.relatedToMessageId;
  const status = body?.status;
  if (body === undefined || typeof related !== 'string' || related === '' || typeof status !== 'string') return undefined;
  const mapped = status === 'OK' ? 'LEVERT' : status === 'REJECTED' || status === 'OK_ERROR_IN_MESSAGE_PART' ? 'FEIL' : undefined;
  if (mapped === undefined) return undefined;
  return { relatedToMessageId: related, status: mapped, details: { description: `DialogmeldingKvittering: ${status}`, rawReceipt: JSON.stringify(body) } };
}
