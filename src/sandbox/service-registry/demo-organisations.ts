import {
  ARKIVMELDING_PROCESSES, ARKIVMELDING_RESPONSE_PROCESS, AVTALT_PROCESS, AVTALT_RESPONSE_PROCESS, EINNSYN_PROCESSES,
  type ProcessEntry,
} from './processes.js';
import type { FakeOrganisation, SrServiceRecord } from './wire.js';

// Builders for the organisations of the local eFormidling network. Codes and resources are those the
// real registry hands out in test (addressing notes §2.6, per-service table).

const DEFAULTS = {
  dpoEndpointUrl: 'https://tt02.altinn.no',
  dpvEndpointUrl: 'https://tt02.altinn.no/ServiceEngineExternal/CorrespondenceAgencyExternal.svc',
  dpfEndpointUrl: 'https://test.svarut.ks.no/tjenester/forsendelseservice/ForsendelsesServiceV9',
  entityType: 'ORGL',
};

const DPO_CODES = { serviceCode: '4192', serviceEditionCode: '270815', resource: 'eformidling-dpo-meldingsutveksling' };
const DPV_CODES = { serviceCode: '4255', serviceEditionCode: '10' };

export type DemoService = 'DPO' | 'DPF' | 'DPV' | 'DPE';

export interface DemoOrganisationOptions {
  orgnr: string;
  name: string;
  /** The organisation's business certificate: in DPO and DPE records and on `/virksert`; none for one reached only by DPV or DPF. */
  certificatePem?: string;
  /** For arkivmelding DPO wins over DPF, and DPF over DPV, as the registry's priority (addressing notes §3.3). */
  services: DemoService[];
  /** SvarUt's certificate, which a DPF record carries (addressing notes §2.6, per-service table). */
  svarUtCertificatePem?: string;
  /** Adds DPO records for the avtalt process and its response process, which carries the statuses back. */
  avtalt?: boolean;
  /** Only these processes get records; default all. */
  processes?: string[];
  /** Enhetsregisteret organisation form, e.g. KOMM, ORGL. */
  entityType?: string;
  endpoints?: { dpo?: string; dpv?: string; dpf?: string };
}

export function demoOrganisation(options: DemoOrganisationOptions): FakeOrganisation {
  const wanted = (entry: ProcessEntry) => options.processes === undefined || options.processes.includes(entry.process);
  const dpo = (entry: ProcessEntry): SrServiceRecord => record(options, entry, {
    identifier: 'DPO', endpointUrl: options.endpoints?.dpo ?? DEFAULTS.dpoEndpointUrl, securityLevel: null, ...DPO_CODES,
  });
  const dpv = (entry: ProcessEntry): SrServiceRecord => ({
    ...record(options, entry, {
      identifier: 'DPV', endpointUrl: options.endpoints?.dpv ?? DEFAULTS.dpvEndpointUrl, securityLevel: null,
      ...DPV_CODES, resource: `eformidling-dpv-${entry.shortName}`,
    }),
    pemCertificate: null,
  });
  const dpf = (entry: ProcessEntry): SrServiceRecord => {
    if (options.svarUtCertificatePem === undefined) throw new TypeError(`a DPF record for ${options.orgnr} needs SvarUt's certificate`);
    return {
      ...record(options, entry, {
        identifier: 'DPF', endpointUrl: options.endpoints?.dpf ?? DEFAULTS.dpfEndpointUrl, serviceCode: null, serviceEditionCode: null,
        securityLevel: null, resource: null,
      }),
      pemCertificate: options.svarUtCertificatePem,
    };
  };

  const records: SrServiceRecord[] = [];
  const arkivmelding = ARKIVMELDING_PROCESSES.filter(wanted);
  if (options.services.includes('DPO')) {
    records.push(...arkivmelding.map(dpo));
    if (wanted(ARKIVMELDING_RESPONSE_PROCESS)) records.push(dpo(ARKIVMELDING_RESPONSE_PROCESS));
  } else if (options.services.includes('DPF')) {
    records.push(...arkivmelding.map(dpf));
  } else if (options.services.includes('DPV')) {
    records.push(...arkivmelding.map(dpv));
  }
  if (options.services.includes('DPE')) {
    for (const entry of EINNSYN_PROCESSES.filter(wanted)) {
      records.push(record(options, entry, {
        identifier: 'DPE', endpointUrl: entry.queue, serviceCode: null, serviceEditionCode: null, securityLevel: null, resource: null,
      }));
    }
  }
  if (options.avtalt) records.push(...[AVTALT_PROCESS, AVTALT_RESPONSE_PROCESS].filter(wanted).map(dpo));

  return {
    identifier: options.orgnr,
    infoRecord: {
      identifier: options.orgnr,
      organizationName: options.name,
      postadresse: null,
      entityType: { name: options.entityType ?? DEFAULTS.entityType },
    },
    serviceRecords: records,
    certificatePem: options.certificatePem,
  };
}

function record(options: DemoOrganisationOptions, entry: ProcessEntry, service: SrServiceRecord['service']): SrServiceRecord {
  return {
    organisationNumber: options.orgnr,
    pemCertificate: options.certificatePem ?? null,
    process: entry.process,
    documentTypes: [...entry.documentTypes],
    service,
  };
}

/** The two organisations of the quick start: a municipality sending to an agency, and back. */
export const DEMO_ORGANISATIONS = [
  { orgnr: '910077473', name: 'Sandbox sender kommune', entityType: 'KOMM' },
  { orgnr: '910075918', name: 'Sandbox mottaker etat', entityType: 'ORGL' },
] as const;

/**
 * The demo organisations, each taking DPO (every arkivmelding process, the response process, avtalt) and
 * DPE. The sandbox generates a keystore per organisation and passes its certificate here.
 */
export function defaultDemoOrganisations(
  certificatePemByOrgnr: Readonly<Record<string, string>>,
  endpoints?: DemoOrganisationOptions['endpoints'],
): FakeOrganisation[] {
  return DEMO_ORGANISATIONS.map((demo) => {
    const certificatePem = certificatePemByOrgnr[demo.orgnr];
    if (certificatePem === undefined) throw new TypeError(`no certificate given for demo organisation ${demo.orgnr}`);
    return demoOrganisation({ ...demo, certificatePem, services: ['DPO', 'DPE'], avtalt: true, endpoints });
  });
}
