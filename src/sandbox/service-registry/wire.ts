// What the fake registry writes: the real registry's JSON, nulls included and members in its order
// (addressing notes §2.6), so clients meet the same shapes as in production.

export interface SrPostadresse {
  adresse: string;
  postnummer: string;
  poststed: string;
  land: string;
}

export interface SrInfoRecord {
  identifier: string;
  organizationName?: string;
  postadresse?: SrPostadresse | null;
  entityType: { name: string };
  [extra: string]: unknown;
}

export interface SrService {
  identifier: string;
  endpointUrl: string | null;
  serviceCode: string | null;
  serviceEditionCode: string | null;
  securityLevel: number | null;
  resource: string | null;
}

export interface SrServiceRecord {
  organisationNumber: string;
  pemCertificate: string | null;
  process: string;
  documentTypes: string[];
  service: SrService;
  /** DPI print records are left out when the client asks with `print=false`. */
  fysiskPost?: boolean;
  [extra: string]: unknown;
}

/** One entity the fake registry knows: an organisation, a citizen or a health unit. */
export interface FakeOrganisation {
  /** The primary identifier it is looked up by: orgnr, fnr or `her-id:N`. */
  identifier: string;
  infoRecord: SrInfoRecord;
  serviceRecords: SrServiceRecord[];
  /** PEM served by `/virksert/{orgnr}`; absent → 404 as for an organisation without a business certificate. */
  certificatePem?: string;
}
