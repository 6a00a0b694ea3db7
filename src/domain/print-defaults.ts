// Defaults of a DPI `print` message (api notes §3.5 item 7): print settings, and for a message with a
// receiver the addresses the Service Registry record holds (Folkeregisteret for the receiver,
// Enhetsregisteret for the return address). Run before the print address checks of the create rules.
import type { StandardBusinessDocument } from './sbd.js';
import { businessMessageOf, hasText } from './sbd-access.js';

/** The shape of a Service Registry `postAddress` / `returnAddress`. */
export interface RegistryPostAddress {
  name: string | null;
  /** Address lines separated by `;`. */
  street: string | null;
  postalCode: string | null;
  postalArea: string | null;
  country: string | null;
}

export interface PrintDefaultsOptions {
  postAddress?: RegistryPostAddress | null;
  returnAddress?: RegistryPostAddress | null;
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const MAX_ADDRESS_LINES = 4;

/** Fills the empty fields of `address` from the registry; an absent registry address fills nothing. */
function fillAddress(address: Json, registry: RegistryPostAddress | null | undefined): void {
  if (!registry) return;
  if (!hasText(address.navn) && registry.name !== null) address.navn = registry.name;
  if ((address.adresselinje1 === undefined || address.adresselinje1 === null || address.adresselinje1 === '') && registry.street !== null) {
    registry.street.split(';').slice(0, MAX_ADDRESS_LINES).forEach((line, i) => { address[`adresselinje${i + 1}`] = line; });
  }
  if (!hasText(address.postnummer) && registry.postalCode !== null) address.postnummer = registry.postalCode;
  if (!hasText(address.poststed) && registry.postalArea !== null) address.poststed = registry.postalArea;
  if (!hasText(address.land) && registry.country !== null) address.land = registry.country;
}

/**
 * Returns a new SBD whose print message has `utskriftsfarge` SORT_HVIT and `posttype` B_OEKONOMI unless
 * given, and, when the SBD has a receiver, its receiver and return addresses completed from the
 * registry record (a missing `retur` becomes one with DIREKTE_RETUR). Other types are returned as copies.
 */
export function applyPrintDefaults(input: StandardBusinessDocument, options: PrintDefaultsOptions): StandardBusinessDocument {
  const sbd = structuredClone(input);
  if (sbd.standardBusinessDocumentHeader.documentIdentification.type.toLowerCase() !== 'print') return sbd;
  const print = businessMessageOf(sbd);
  if (!print) return sbd;
  print.utskriftsfarge ??= 'SORT_HVIT';
  print.posttype ??= 'B_OEKONOMI';
  if (!sbd.standardBusinessDocumentHeader.receiver?.[0]) return sbd;
  const mottaker = asObject(print.mottaker) ?? {};
  print.mottaker = mottaker;
  const retur = asObject(print.retur) ?? { returhaandtering: 'DIREKTE_RETUR' };
  print.retur = retur;
  const returMottaker = asObject(retur.mottaker) ?? {};
  retur.mottaker = returMottaker;
  fillAddress(mottaker, options.postAddress);
  fillAddress(returMottaker, options.returnAddress);
  return sbd;
}
