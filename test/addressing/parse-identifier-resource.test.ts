import { describe, expect, it } from 'vitest';
import { ServiceRegistryLookupError } from '../../src/addressing/errors.js';
import { armourCertificate, parseIdentifierResource } from '../../src/addressing/parse-identifier-resource.js';

const BODY = 'MIICujCCAaKgAwIBAgIEXIe4TjANBgkqhkiG9w0BAQsFADAe';

function srJson(records: unknown[], infoRecord: unknown = { identifier: '910075918', organizationName: 'TEST', postadresse: null, entityType: { name: 'ORGL' } }) {
  return JSON.stringify({ infoRecord, serviceRecords: records });
}

describe(parseIdentifierResource.name, () => {
  it('reads an organisation with a DPO record, keeping every member the registry sent', () => {
    const resource = parseIdentifierResource(srJson([{
      organisationNumber: '910075918',
      pemCertificate: `-----BEGIN CERTIFICATE-----\n${BODY}\n-----END CERTIFICATE-----`,
      process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
      documentTypes: ['urn:no:difi:arkivmelding:xsd::arkivmelding'],
      service: { identifier: 'DPO', endpointUrl: 'http://localhost:9800', serviceCode: '4192', serviceEditionCode: '270815', securityLevel: null, resource: 'eformidling-dpo-meldingsutveksling' },
    }]));
    expect(resource.infoRecord).toMatchObject({ identifier: '910075918', organizationName: 'TEST', entityType: { name: 'ORGL', acronym: null }, postadresse: null });
    expect(resource.serviceRecords).toHaveLength(1);
    expect(resource.serviceRecords[0]).toMatchObject({
      organisationNumber: '910075918',
      process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
      documentTypes: ['urn:no:difi:arkivmelding:xsd::arkivmelding'],
      service: { identifier: 'DPO', endpointUrl: 'http://localhost:9800', serviceCode: '4192', serviceEditionCode: '270815', securityLevel: null, resource: 'eformidling-dpo-meldingsutveksling' },
      kanVarsles: false,
      fysiskPost: false,
    });
  });

  it('turns an unknown service id into UNKNOWN and ignores unknown members', () => {
    const [record] = parseIdentifierResource(srJson([{ process: 'p', documentTypes: [], service: { identifier: 'DPFIO' }, herIdLevel1: 7 }])).serviceRecords;
    expect(record?.service.identifier).toBe('UNKNOWN');
    expect(record).not.toHaveProperty('herIdLevel1');
  });

  it('tolerates null and missing members everywhere', () => {
    const resource = parseIdentifierResource(srJson([{ organisationNumber: null, pemCertificate: null, process: null, documentTypes: null, service: null }], null));
    expect(resource.infoRecord.identifier).toBeNull();
    expect(resource.serviceRecords[0]).toMatchObject({ organisationNumber: null, pemCertificate: null, process: null, documentTypes: [], service: { identifier: 'UNKNOWN', endpointUrl: null } });
  });

  it('reads an /info answer without serviceRecords as an empty list', () => {
    expect(parseIdentifierResource('{"infoRecord":{"identifier":"910077473"}}').serviceRecords).toEqual([]);
  });

  it('reads herId given as a number or a string, and a DPF security level given as text', () => {
    const resource = parseIdentifierResource(srJson([
      { process: 'p', documentTypes: [], service: { identifier: 'DPH' }, herId: 8094866 },
      { process: 'p', documentTypes: [], service: { identifier: 'DPF', securityLevel: '4' }, herId: '8094867' },
    ]));
    expect(resource.serviceRecords.map((r) => r.herId)).toEqual(['8094866', '8094867']);
    expect(resource.serviceRecords[1]?.service.securityLevel).toBe(4);
  });

  it('reads the citizen members of a DPI print record', () => {
    const [record] = parseIdentifierResource(srJson([{
      organisationNumber: '17912099997', process: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0',
      documentTypes: ['urn:no:difi:digitalpost:xsd:fysisk::print'], service: { identifier: 'DPI' },
      orgnrPostkasse: '987464291', postkasseAdresse: null, kanVarsles: true, fysiskPost: true, spraak: 'nb',
      postAddress: { name: 'Raff Raffen', street: 'Portveien 2', postalCode: '0468', postalArea: 'Oslo', country: 'NO' },
      returnAddress: { name: 'Sender', street: null, postalCode: null, postalArea: null, country: null },
    }])).serviceRecords;
    expect(record).toMatchObject({
      orgnrPostkasse: '987464291', kanVarsles: true, fysiskPost: true, spraak: 'nb',
      postAddress: { name: 'Raff Raffen', street: 'Portveien 2', postalCode: '0468', postalArea: 'Oslo', country: 'NO' },
      returnAddress: { name: 'Sender', street: null },
    });
  });

  it('wraps a certificate body that came without armour', () => {
    const [record] = parseIdentifierResource(srJson([{ pemCertificate: BODY, service: { identifier: 'DPO' } }])).serviceRecords;
    expect(record?.pemCertificate).toBe(`-----BEGIN CERTIFICATE-----\n${BODY}\n-----END CERTIFICATE-----\n`);
  });

  it.each(['not json', '[]', '"text"', 'null'])('refuses %s with a lookup error', (payload) => {
    expect(() => parseIdentifierResource(payload)).toThrow(ServiceRegistryLookupError);
  });
});

describe(armourCertificate.name, () => {
  it('leaves empty and armoured certificates alone', () => {
    expect(armourCertificate('')).toBe('');
    expect(armourCertificate(null)).toBeNull();
    const pem = `-----BEGIN CERTIFICATE-----\n${BODY}\n-----END CERTIFICATE-----\n`;
    expect(armourCertificate(pem)).toBe(pem);
  });
});
