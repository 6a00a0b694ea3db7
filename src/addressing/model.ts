import type { ServiceIdentifier } from '../domain/index.js';

// The Service Registry's answer as the integration point reads it (addressing notes §2.6, §11.2). Every
// member the registry may leave out or send as null is `null` here, so callers never meet `undefined`.

export interface EntityType {
  name: string | null;
  acronym: string | null;
}

/** The receiver's address from Enhetsregisteret (`postadresse` of an organisation's info record). */
export interface Postadresse {
  adresse: string | null;
  postnummer: string | null;
  poststed: string | null;
  land: string | null;
}

export interface InfoRecord {
  identifier: string | null;
  organizationName: string | null;
  entityType: EntityType | null;
  postadresse: Postadresse | null;
  /** Health units (NHN) only. */
  organizationNumber: string | null;
  herId: string | null;
  parentHerId: string | null;
  parentOrganizationName: string | null;
}

export interface Service {
  identifier: ServiceIdentifier;
  endpointUrl: string | null;
  serviceCode: string | null;
  serviceEditionCode: string | null;
  /** KS SvarUt (DPF) only. */
  securityLevel: number | null;
  /** Altinn 3 resource id. */
  resource: string | null;
}

export interface PostAddress {
  name: string | null;
  street: string | null;
  postalCode: string | null;
  postalArea: string | null;
  country: string | null;
}

export interface Patient {
  fnr: string | null;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
}

export interface ServiceRecord {
  organisationNumber: string | null;
  /** PEM with armour; a bare base64 body from the registry is wrapped (addressing notes §2.6). */
  pemCertificate: string | null;
  process: string | null;
  documentTypes: string[];
  service: Service;
  // Digital post to citizens (DPI).
  orgnrPostkasse: string | null;
  postkasseAdresse: string | null;
  epostAdresse: string | null;
  mobilnummer: string | null;
  kanVarsles: boolean;
  fysiskPost: boolean;
  postAddress: PostAddress | null;
  returnAddress: PostAddress | null;
  spraak: string | null;
  // Health care (DPH).
  herId: string | null;
  patient: Patient | null;
}

export interface IdentifierResource {
  infoRecord: InfoRecord;
  serviceRecords: ServiceRecord[];
}
