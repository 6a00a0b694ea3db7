import { describe, expect, it } from 'vitest';
import {
  DEMO_ORGANISATIONS, defaultDemoOrganisations, demoOrganisation,
} from '../../../src/sandbox/service-registry/index.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const ADMIN = 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0';
const RESPONSE = 'urn:no:difi:profile:arkivmelding:response:ver1.0';
const AVTALT = 'urn:no:difi:profile:avtalt:avtalt:ver1.0';
const AVTALT_RESPONSE = 'urn:no:difi:profile:avtalt:response:ver1.0';

describe(demoOrganisation.name, () => {
  it('gives a DPO organisation a record for each arkivmelding process and the response process', () => {
    const org = demoOrganisation({ orgnr: '910075918', name: 'Etat', certificatePem: PEM, services: ['DPO'] });
    expect(org.serviceRecords).toHaveLength(12);
    expect(org.serviceRecords.every((r) => r.service.identifier === 'DPO' && r.pemCertificate === PEM)).toBe(true);
    expect(org.serviceRecords.map((r) => r.process)).toContain(RESPONSE);
    expect(org.serviceRecords.find((r) => r.process === ADMIN)).toEqual({
      organisationNumber: '910075918',
      pemCertificate: PEM,
      process: ADMIN,
      documentTypes: ['urn:no:difi:arkivmelding:xsd::arkivmelding'],
      service: {
        identifier: 'DPO', endpointUrl: 'https://tt02.altinn.no', serviceCode: '4192', serviceEditionCode: '270815',
        securityLevel: null, resource: 'eformidling-dpo-meldingsutveksling',
      },
    });
    expect(org.infoRecord).toEqual({ identifier: '910075918', organizationName: 'Etat', postadresse: null, entityType: { name: 'ORGL' } });
    expect(org.certificatePem).toBe(PEM);
  });

  it('gives a DPV organisation DPV arkivmelding records without a certificate and with per-process resources', () => {
    const org = demoOrganisation({ orgnr: '910075946', name: 'Liten etat', certificatePem: PEM, services: ['DPV'] });
    expect(org.serviceRecords).toHaveLength(11);
    const admin = org.serviceRecords.find((r) => r.process === ADMIN);
    expect(admin?.pemCertificate).toBeNull();
    expect(admin?.service).toMatchObject({ identifier: 'DPV', serviceCode: '4255', serviceEditionCode: '10', resource: 'eformidling-dpv-administrasjon' });
  });

  it('lets DPO win over DPV, as the registry prefers it', () => {
    const org = demoOrganisation({ orgnr: '910075918', name: 'Etat', certificatePem: PEM, services: ['DPV', 'DPO'] });
    expect(new Set(org.serviceRecords.map((r) => r.service.identifier))).toEqual(new Set(['DPO']));
  });

  it('adds eInnsyn records with their queue as endpointUrl, and avtalt when asked', () => {
    const org = demoOrganisation({ orgnr: '910075935', name: 'Innsyn', certificatePem: PEM, services: ['DPE'], avtalt: true });
    const dpe = org.serviceRecords.filter((r) => r.service.identifier === 'DPE');
    expect(dpe.map((r) => [r.process, r.service.endpointUrl])).toEqual([
      ['urn:no:difi:profile:einnsyn:journalpost:ver1.0', 'data'],
      ['urn:no:difi:profile:einnsyn:innsynskrav:ver1.0', 'innsyn'],
      ['urn:no:difi:profile:einnsyn:meeting:ver1.0', 'meeting'],
      ['urn:no:difi:profile:einnsyn:response:ver1.0', ''],
    ]);
    expect(org.serviceRecords.filter((r) => r.process === AVTALT).map((r) => r.service.identifier)).toEqual(['DPO']);
    // The statuses of an avtalt message come back on its response process.
    expect(org.serviceRecords.filter((r) => r.process === AVTALT_RESPONSE).map((r) => [r.service.identifier, r.documentTypes])).toEqual([
      ['DPO', ['urn:no:difi:eformidling:xsd::status', 'urn:no:difi:eformidling:xsd::feil']],
    ]);
  });

  it('limits the records to the processes asked for', () => {
    const org = demoOrganisation({ orgnr: '910075918', name: 'Etat', certificatePem: PEM, services: ['DPO', 'DPE'], avtalt: true, processes: [ADMIN, AVTALT] });
    expect(org.serviceRecords.map((r) => r.process)).toEqual([ADMIN, AVTALT]);
  });
});

describe(defaultDemoOrganisations.name, () => {
  it('builds the sender municipality and the receiving agency with the certificates given', () => {
    const orgs = defaultDemoOrganisations({ '910077473': 'sender-pem', '910075918': 'receiver-pem' });
    expect(orgs.map((o) => [o.identifier, o.infoRecord.organizationName, o.infoRecord.entityType.name, o.certificatePem])).toEqual([
      ['910077473', 'Sandbox sender kommune', 'KOMM', 'sender-pem'],
      ['910075918', 'Sandbox mottaker etat', 'ORGL', 'receiver-pem'],
    ]);
    expect(orgs.every((o) => o.serviceRecords.some((r) => r.process === AVTALT) && o.serviceRecords.some((r) => r.service.identifier === 'DPE'))).toBe(true);
  });

  it('refuses to build a demo organisation without its certificate', () => {
    expect(() => defaultDemoOrganisations({ [DEMO_ORGANISATIONS[0].orgnr]: PEM })).toThrow(/910075918/);
  });
});
