import { toServiceIdentifier } from '../domain/index.js';
import { ServiceRegistryLookupError } from './errors.js';
import type {
  EntityType, IdentifierResource, InfoRecord, Patient, PostAddress, Postadresse, Service, ServiceRecord,
} from './model.js';

// Reads the registry's JSON leniently, as the reference's Jackson setup does (addressing notes §9.3, §11.2):
// unknown members are ignored, nulls and missing members are tolerated, unknown service ids become
// UNKNOWN, and numbers where strings belong (herId) are taken as their text.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function integer(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : null;
}

function flag(value: unknown): boolean {
  return value === true || value === 'true';
}

function texts(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map(text).filter((v): v is string => v !== null);
}

function object<T>(value: unknown, read: (json: Json) => T): T | null {
  return isObject(value) ? read(value) : null;
}

const BEGIN_CERT = '-----BEGIN CERTIFICATE-----';
const END_CERT = '-----END CERTIFICATE-----';

/** Armours a bare base64 certificate body, as the reference's ServiceRecord getter does (§2.6). */
export function armourCertificate(pem: string | null): string | null {
  if (pem === null || pem.trim() === '' || pem.includes(BEGIN_CERT)) return pem;
  return `${BEGIN_CERT}\n${pem}\n${END_CERT}\n`;
}

const readEntityType = (j: Json): EntityType => ({ name: text(j.name), acronym: text(j.acronym) });

const readPostadresse = (j: Json): Postadresse => ({
  adresse: text(j.adresse), postnummer: text(j.postnummer), poststed: text(j.poststed), land: text(j.land),
});

const readPostAddress = (j: Json): PostAddress => ({
  name: text(j.name), street: text(j.street), postalCode: text(j.postalCode),
  postalArea: text(j.postalArea), country: text(j.country),
});

const readPatient = (j: Json): Patient => ({
  fnr: text(j.fnr), firstName: text(j.firstName), middleName: text(j.middleName), lastName: text(j.lastName),
});

function readService(value: unknown): Service {
  const j = isObject(value) ? value : {};
  return {
    identifier: toServiceIdentifier(j.identifier),
    endpointUrl: text(j.endpointUrl),
    serviceCode: text(j.serviceCode),
    serviceEditionCode: text(j.serviceEditionCode),
    securityLevel: integer(j.securityLevel),
    resource: text(j.resource),
  };
}

function readInfoRecord(value: unknown): InfoRecord {
  const j = isObject(value) ? value : {};
  return {
    identifier: text(j.identifier),
    organizationName: text(j.organizationName),
    entityType: object(j.entityType, readEntityType),
    postadresse: object(j.postadresse, readPostadresse),
    organizationNumber: text(j.organizationNumber),
    herId: text(j.herId),
    parentHerId: text(j.parentHerId),
    parentOrganizationName: text(j.parentOrganizationName),
  };
}

function readServiceRecord(j: Json): ServiceRecord {
  return {
    organisationNumber: text(j.organisationNumber),
    pemCertificate: armourCertificate(text(j.pemCertificate)),
    process: text(j.process),
    documentTypes: texts(j.documentTypes),
    service: readService(j.service),
    orgnrPostkasse: text(j.orgnrPostkasse),
    postkasseAdresse: text(j.postkasseAdresse),
    epostAdresse: text(j.epostAdresse),
    mobilnummer: text(j.mobilnummer),
    kanVarsles: flag(j.kanVarsles),
    fysiskPost: flag(j.fysiskPost),
    postAddress: object(j.postAddress, readPostAddress),
    returnAddress: object(j.returnAddress, readPostAddress),
    spraak: text(j.spraak),
    herId: text(j.herId),
    patient: object(j.patient, readPatient),
  };
}

/** Parses the registry's `{infoRecord, serviceRecords}` document; only a non-object is refused. */
export function parseIdentifierResource(payload: string): IdentifierResource {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (cause) {
    throw unreadable(cause);
  }
  if (!isObject(json)) throw unreadable();
  const records = Array.isArray(json.serviceRecords) ? json.serviceRecords.filter(isObject) : [];
  return { infoRecord: readInfoRecord(json.infoRecord), serviceRecords: records.map(readServiceRecord) };
}

function unreadable(cause?: unknown): ServiceRegistryLookupError {
  return new ServiceRegistryLookupError('Parsing response as a IdentifierResource JSON object failed', {
    code: 'EFM_SERVICE_REGISTRY_BAD_RESPONSE',
    kind: 'internal',
    cause,
  });
}
