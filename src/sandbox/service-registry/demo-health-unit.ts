import { ADAPTER_ORGNR } from '../../transports/dph/index.js';
import { HELSE_PROCESSES, type ProcessEntry } from './processes.js';
import type { FakeOrganisation, SrServiceRecord } from './wire.js';

// A health unit of the local eFormidling network, reached by DPH under its HER id: the info record NHN
// gives (organizationNumber is the organisation a message is sent for) and a DPH record per helse process
// (addressing notes §2.6, DPH), and Digdir's certificate, which the nhn-adapter's traffic is encrypted to.

const DEFAULTS = { endpointUrl: 'https://test.eformidling.no/nhn-adapter/api/{identifier}' };

export interface DemoHealthUnitOptions {
  herId: string;
  /** The organisation the unit belongs to. */
  orgnr: string;
  name: string;
  /** The unit's certificate at NHN (`derCertificate`). */
  certificatePem: string;
  endpointUrl?: string;
}

export function demoHealthUnit(options: DemoHealthUnitOptions): FakeOrganisation {
  const identifier = `her-id:${options.herId}`;
  const dph = (entry: ProcessEntry): SrServiceRecord => ({
    organisationNumber: options.orgnr,
    pemCertificate: options.certificatePem,
    process: entry.process,
    documentTypes: [...entry.documentTypes],
    service: {
      identifier: 'DPH', endpointUrl: options.endpointUrl ?? DEFAULTS.endpointUrl, serviceCode: null, serviceEditionCode: null,
      securityLevel: null, resource: null,
    },
    herId: options.herId,
    patient: null,
  });
  return {
    identifier,
    infoRecord: {
      identifier, parentHerId: null, parentOrganizationName: options.name, herId: options.herId, organizationName: options.name,
      organizationNumber: options.orgnr, patient: null, entityType: { name: 'NorskHelsenett' },
    },
    serviceRecords: HELSE_PROCESSES.map(dph),
  };
}

/**
 * The nhn-adapter's operator, Digdir, as the registry knows it: only its business certificate on
 * `/virksert`, which is the adapter's (addressing notes §9.3).
 */
export function nhnAdapterOperator(certificatePem: string): FakeOrganisation {
  return {
    identifier: ADAPTER_ORGNR,
    infoRecord: { identifier: ADAPTER_ORGNR, organizationName: 'DIGITALISERINGSDIREKTORATET', entityType: { name: 'ORGL' } },
    serviceRecords: [],
    certificatePem,
  };
}
