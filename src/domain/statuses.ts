// Status values and what registering one does to its conversation (api notes §4.1, §4.2).
export const RECEIPT_STATUSES = [
  'OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'LEST', 'FEIL', 'ANNET',
  'INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT', 'LEVETID_UTLOPT',
] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export function isReceiptStatus(value: string): value is ReceiptStatus {
  return (RECEIPT_STATUSES as readonly string[]).includes(value);
}

export const DIRECTIONS = ['OUTGOING', 'INCOMING'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const SERVICE_IDENTIFIERS = ['DPO', 'DPV', 'DPI', 'DPF', 'DPE', 'DPH', 'UNKNOWN'] as const;
export type ServiceIdentifier = (typeof SERVICE_IDENTIFIERS)[number];

/** Unknown values become UNKNOWN, as the reference's enum default does (api notes §1.1). */
export function toServiceIdentifier(value: unknown): ServiceIdentifier {
  return typeof value === 'string' && (SERVICE_IDENTIFIERS as readonly string[]).includes(value)
    ? (value as ServiceIdentifier)
    : 'UNKNOWN';
}

export interface StatusEffect {
  finished?: true;
  pollable?: false;
}

/** LEVERT finishes a conversation; LEST, FEIL, LEVETID_UTLOPT and INNKOMMENDE_LEVERT also stop polling. */
export function effectOfStatus(status: ReceiptStatus): StatusEffect {
  switch (status) {
    case 'LEVERT':
      return { finished: true };
    case 'LEST':
    case 'FEIL':
    case 'LEVETID_UTLOPT':
    case 'INNKOMMENDE_LEVERT':
      return { finished: true, pollable: false };
    default:
      return {};
  }
}

export const TTL_EXPIRED_DESCRIPTION = 'Levetiden for meldingen er utgått. Må sendes på nytt';
