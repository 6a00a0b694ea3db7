// The configuration document: a compact JWS (RFC 7515) with `typ: efm-config+jwt` over JSON claims
//   { serial, iat, exp, nbf?, iss?, aud?, settings: { "<canonical efm.* key>": value } }
// signed by the hub with a key the operator pins locally. JWS rather than OpenPGP: the claims are JSON and
// carry their own issue and expiry times, the header's `kid` picks one of two pinned keys during a
// rollover, and jose (already used for the Service Registry's signed answers) verifies it; OpenPGP stays
// with release archives, which are large binary files with detached signatures (ops notes §1.5).
import { createHash } from 'node:crypto';
import { compactVerify, createLocalJWKSet, errors as joseErrors, type JSONWebKeySet } from 'jose';
import { CentralConfigRejectedError } from './errors.js';

export const DOCUMENT_TYPE = 'efm-config+jwt';
export const DOCUMENT_ALGORITHMS = ['ES256', 'RS256', 'PS256'] as const;
export type DocumentAlgorithm = (typeof DOCUMENT_ALGORITHMS)[number];

export type SettingValue = string | number | boolean | readonly string[];

export interface CentralDocumentClaims {
  /** Grows with every document the hub issues; an older one is a replay. */
  serial: number;
  /** NumericDate (seconds). */
  iat: number;
  exp: number;
  nbf?: number;
  iss?: string;
  /** Organisation numbers the document is meant for; every organisation when absent. */
  aud?: string | string[];
  settings: Readonly<Record<string, SettingValue>>;
}

export interface CentralDocument extends CentralDocumentClaims {
  /** The compact JWS as received, kept so a later start can verify it again. */
  jws: string;
  /** SHA-256 (hex) of the JWS text: which document a change came from. */
  sha256: string;
}

export interface VerifyDocumentOptions {
  keys: JSONWebKeySet;
  orgNumber: string;
  /** When absent the time claims are not checked: a document accepted earlier stays in force across a restart. */
  now?: Date;
  toleranceMs: number;
}

export function documentHash(jws: string): string {
  return createHash('sha256').update(jws.trim()).digest('hex');
}

export async function verifyCentralDocument(jws: string, o: VerifyDocumentOptions): Promise<CentralDocument> {
  const text = jws.trim();
  const payload = await verifySignature(text, o.keys);
  const claims = parseClaims(payload);
  if (o.now) checkTimes(claims, o.now, o.toleranceMs);
  if (claims.aud !== undefined) {
    const audiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
    if (!audiences.includes(o.orgNumber)) {
      throw new CentralConfigRejectedError('wrong-audience', `document ${claims.serial} is for ${audiences.join(', ')}, not ${o.orgNumber}`, { serial: claims.serial });
    }
  }
  return { ...claims, jws: text, sha256: documentHash(text) };
}

async function verifySignature(text: string, keys: JSONWebKeySet): Promise<unknown> {
  let result;
  try {
    result = await compactVerify(text, createLocalJWKSet(keys), { algorithms: [...DOCUMENT_ALGORITHMS] });
  } catch (error) {
    if (error instanceof joseErrors.JWSInvalid) throw new CentralConfigRejectedError('malformed', `not a compact JWS: ${error.message}`, { cause: error });
    const why = error instanceof joseErrors.JOSEError ? error.code : 'ERR_UNKNOWN';
    throw new CentralConfigRejectedError('forged', `the signature does not verify with a pinned key (${why})`, { cause: error });
  }
  if (result.protectedHeader.typ !== DOCUMENT_TYPE) {
    throw new CentralConfigRejectedError('malformed', `the JWS type is ${JSON.stringify(result.protectedHeader.typ)}, not ${DOCUMENT_TYPE}`);
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(result.payload)) as unknown;
  } catch (error) {
    throw new CentralConfigRejectedError('malformed', 'the payload is not JSON', { cause: error });
  }
}

function parseClaims(payload: unknown): CentralDocumentClaims {
  if (!isRecord(payload)) throw malformed('the payload is not a JSON object');
  const { serial, iat, exp, nbf, iss, aud, settings } = payload;
  if (typeof serial !== 'number' || !Number.isSafeInteger(serial) || serial < 1) throw malformed('serial must be a positive whole number');
  for (const [name, value] of [['iat', iat], ['exp', exp]] as const) {
    if (!isNumericDate(value)) throw malformed(`${name} must be a NumericDate (seconds)`, serial);
  }
  if (nbf !== undefined && !isNumericDate(nbf)) throw malformed('nbf must be a NumericDate (seconds)', serial);
  if (iss !== undefined && typeof iss !== 'string') throw malformed('iss must be a string', serial);
  if (aud !== undefined && typeof aud !== 'string' && !isStringArray(aud)) throw malformed('aud must be a string or a list of strings', serial);
  if (!isRecord(settings)) throw malformed('settings must be an object of keys and values', serial);
  for (const [key, value] of Object.entries(settings)) {
    if (!isSettingValue(value)) throw malformed(`${key}: a value must be a string, number, boolean or list of strings`, serial);
  }
  return {
    serial, iat: iat as number, exp: exp as number, settings: settings as Record<string, SettingValue>,
    ...(nbf === undefined ? {} : { nbf: nbf as number }),
    ...(iss === undefined ? {} : { iss }),
    ...(aud === undefined ? {} : { aud: aud as string | string[] }),
  };
}

function checkTimes(claims: CentralDocumentClaims, now: Date, toleranceMs: number): void {
  const nowS = now.getTime() / 1000;
  const tolerance = toleranceMs / 1000;
  const at = (s: number) => new Date(s * 1000).toISOString();
  if (claims.exp <= nowS - tolerance) {
    throw new CentralConfigRejectedError('expired', `document ${claims.serial} expired at ${at(claims.exp)}`, { serial: claims.serial });
  }
  const start = Math.max(claims.iat, claims.nbf ?? claims.iat);
  if (start > nowS + tolerance) {
    throw new CentralConfigRejectedError('not-yet-valid', `document ${claims.serial} is not valid before ${at(start)}`, { serial: claims.serial });
  }
}

const malformed = (message: string, serial?: number) =>
  new CentralConfigRejectedError('malformed', message, serial === undefined ? {} : { serial });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((i) => typeof i === 'string');
const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isSettingValue = (v: unknown): v is SettingValue =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || isStringArray(v);
