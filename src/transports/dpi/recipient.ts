import type { X509Certificate } from 'node:crypto';
import { certificateFromPem } from '../../crypto/index.js';
import type { ServiceRecord } from '../../addressing/index.js';
import { PermanentSendError } from '../port.js';
import type { PrintLookup } from './print-lookup.js';
import type { DigitalRecipient } from './business-message.js';

// Who a DPI letter is addressed to on the wire and whose certificate encrypts it (addressing notes
// §9.5): digital post goes to the mailbox provider the Service Registry record names; print goes to
// the print provider from KRR's print lookup, which overwrites the record's certificate and provider,
// and stands in for the record altogether when the letter has no receiver.

export interface DpiRecipient extends DigitalRecipient {
  providerOrgnr: string;
  certificate: X509Certificate;
}

export async function printRecipient(lookup: PrintLookup, signal: AbortSignal): Promise<DpiRecipient> {
  const provider = await lookup.provider(signal);
  return { providerOrgnr: provider.orgnr, certificate: provider.certificate };
}

export function digitalRecipient(record: ServiceRecord | undefined): DpiRecipient {
  if (record === undefined) throw new PermanentSendError('a DPI digital message needs the receiver\'s Service Registry record');
  const { pemCertificate, orgnrPostkasse } = record;
  if (pemCertificate === null || orgnrPostkasse === null) {
    throw new PermanentSendError('the receiver\'s DPI record names no mailbox provider and certificate');
  }
  let certificate: X509Certificate;
  try {
    certificate = certificateFromPem(pemCertificate);
  } catch (cause) {
    throw new PermanentSendError('the mailbox provider\'s certificate in the Service Registry cannot be read', { cause });
  }
  return {
    providerOrgnr: orgnrPostkasse,
    certificate,
    ...optional('postkasseadresse', record.postkasseAdresse),
    ...optional('epostAdresse', record.epostAdresse),
    ...optional('mobilnummer', record.mobilnummer),
  };
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value === null || value === '' ? {} : ({ [key]: value } as Record<K, string>);
}
