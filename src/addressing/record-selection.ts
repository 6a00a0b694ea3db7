import type { IdentifierResource, ServiceRecord } from './model.js';

// How the integration point picks one record from a lookup (addressing notes §9.4, §11.3). Case systems
// depend on this order, so it follows the reference exactly; callers turn `undefined` into their error.

/** The reference's `arkivmelding.default-process`. */
export const DEFAULT_ARKIVMELDING_PROCESS = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';

/**
 * The first record that lists the document type. The resource must come from a lookup by process: the
 * records are not filtered by process here, just as the reference does not filter them.
 */
export function selectRecord(resource: IdentifierResource, options: { documentType: string }): ServiceRecord | undefined {
  return resource.serviceRecords.find((r) => r.documentTypes.includes(options.documentType));
}

/** Without a document type: the first DPI record, else the default arkivmelding process, else the first DPE. */
export function selectDefaultRecord(
  resource: IdentifierResource,
  options: { defaultProcess?: string } = {},
): ServiceRecord | undefined {
  const records = resource.serviceRecords;
  const defaultProcess = options.defaultProcess ?? DEFAULT_ARKIVMELDING_PROCESS;
  return records.find((r) => r.service.identifier === 'DPI')
    ?? records.find((r) => r.process === defaultProcess)
    ?? records.find((r) => r.service.identifier === 'DPE');
}
