import { DIGITALPOST_PROCESSES, type ProcessEntry } from './processes.js';
import type { FakeOrganisation, SrServiceRecord } from './wire.js';

// A citizen of the local eFormidling network, reached by DPI: the record the registry builds from KRR
// for someone with a digital mailbox (addressing notes §2.6, DPI digital), which also lists print, whose
// printer the integration point finds through the KRR print lookup.

const DEFAULTS = { dpiEndpointUrl: 'https://qaoffentlig.meldingsformidler.digipost.no/api/ebms', spraak: 'nb' };

export interface DemoCitizenOptions {
  fnr: string;
  /** The mailbox provider: its orgnr, its certificate (letters are encrypted to it) and the citizen's address there. */
  mailbox: { orgnr: string; certificatePem: string; postkasseAdresse: string };
  epostAdresse?: string;
  mobilnummer?: string;
  endpointUrl?: string;
}

export function demoCitizen(options: DemoCitizenOptions): FakeOrganisation {
  const dpi = (entry: ProcessEntry): SrServiceRecord => ({
    organisationNumber: options.fnr,
    pemCertificate: options.mailbox.certificatePem,
    process: entry.process,
    documentTypes: [...entry.documentTypes],
    service: {
      identifier: 'DPI', endpointUrl: options.endpointUrl ?? DEFAULTS.dpiEndpointUrl, serviceCode: null, serviceEditionCode: null,
      securityLevel: null, resource: null,
    },
    orgnrPostkasse: options.mailbox.orgnr,
    postkasseAdresse: options.mailbox.postkasseAdresse,
    mobilnummer: options.mobilnummer ?? null,
    kanVarsles: options.epostAdresse !== undefined || options.mobilnummer !== undefined,
    epostAdresse: options.epostAdresse ?? null,
    fysiskPost: false,
    postAddress: null,
    returnAddress: null,
    spraak: DEFAULTS.spraak,
  });
  return {
    identifier: options.fnr,
    infoRecord: { identifier: options.fnr, entityType: { name: 'citizen' } },
    serviceRecords: DIGITALPOST_PROCESSES.map(dpi),
  };
}
