import type { ServiceIdentifier } from '../../src/domain/index.js';
import type { IdentifierResource, ServiceRecord } from '../../src/addressing/model.js';

export const ARKIVMELDING = 'urn:no:difi:arkivmelding:xsd::arkivmelding';
export const ADMINISTRASJON = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';
export const PLAN_BYGG = 'urn:no:difi:profile:arkivmelding:planByggOgGeodata:ver1.0';
export const DIGITAL = 'urn:no:difi:digitalpost:xsd:digital::digital';
export const DIGITAL_DPV = 'urn:no:difi:digitalpost:xsd:digital::digital_dpv';
export const PRINT = 'urn:no:difi:digitalpost:xsd:fysisk::print';
export const VEDTAK = 'urn:no:difi:profile:digitalpost:vedtak:ver1.0';
export const INNSYNSKRAV_PROCESS = 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0';
export const INNSYNSKRAV = 'urn:no:difi:einnsyn:xsd::innsynskrav';

/** A parsed service record with every optional member empty. */
export function record(service: ServiceIdentifier, process: string, documentTypes: string[], organisationNumber = '910075918'): ServiceRecord {
  return {
    organisationNumber,
    pemCertificate: null,
    process,
    documentTypes,
    service: { identifier: service, endpointUrl: null, serviceCode: null, serviceEditionCode: null, securityLevel: null, resource: null },
    orgnrPostkasse: null,
    postkasseAdresse: null,
    epostAdresse: null,
    mobilnummer: null,
    kanVarsles: false,
    fysiskPost: false,
    postAddress: null,
    returnAddress: null,
    spraak: null,
    herId: null,
    patient: null,
  };
}

export function resourceOf(...serviceRecords: ServiceRecord[]): IdentifierResource {
  return {
    infoRecord: {
      identifier: '910075918', organizationName: 'Mottaker', entityType: { name: 'ORGL', acronym: null }, postadresse: null,
      organizationNumber: null, herId: null, parentHerId: null, parentOrganizationName: null,
    },
    serviceRecords,
  };
}
