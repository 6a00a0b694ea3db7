// Partner identifiers as SBD senders and receivers carry them (api notes §3.3, addressing notes §10).
import { createHash } from 'node:crypto';
import { ISO6523_AUTHORITY, NHN_AUTHORITY } from './sbd.js';

export const NORWEGIAN_ORG_ICD = '0192';

export interface Iso6523Identifier {
  kind: 'iso6523';
  /** Canonical form: a bare orgnr gets its `0192:` prefix. */
  value: string;
  icd: string;
  organisationIdentifier: string;
  partIdentifier?: string;
  sourceIndicator?: string;
}

export interface PersonIdentifier {
  kind: 'person';
  value: string;
  isDNumber: boolean;
  /** A test number from Tenor, NHN, NAV or Digdir (a month offset, addressing notes §10.3). */
  isSynthetic: boolean;
}

export interface NhnIdentifier {
  kind: 'nhn';
  /** `her-id:<n>` or `fastlege-for:<fnr>`. */
  value: string;
  form: 'her-id' | 'fastlege-for';
  id: string;
}

/** A FIKS IO account. Obsolete for routing, still accepted as a sender as the reference does (§10.2). */
export interface FiksIoIdentifier {
  kind: 'fiksio';
  value: string;
}

export type PartnerIdentifier = Iso6523Identifier | PersonIdentifier | NhnIdentifier | FiksIoIdentifier;

export interface IdentifierOptions {
  /** `difi.move.identifier.synthetic.allow`: accept synthetic person numbers (true in dev and staging). */
  allowSynthetic?: boolean;
}

const ISO6523 = /^(\d{4}):([^:]{1,35})(?::([^\s:]{1,35}))?(?::(\d))?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ICD codes the reference knows (COMMON ICD enum); an ISO 6523 value with any other ICD does not parse.
const KNOWN_ICDS = new Set([
  '0002', '0007', '0009', '0028', '0037', '0060', '0088', '0096', '0097', '0106', '0135', '0142', '0184', '0191', '0192',
  '0195', '9901', '9902', '9904', '9905', '9906', '9907', '9908', '9909', '9910', '9912', '9913', '9914', '9915', '9916',
  '9917', '9918', '9919', '9920', '9921', '9922', '9923', '9924', '9925', '9926', '9927', '9928', '9929', '9930', '9931',
  '9932', '9933', '9934', '9935', '9936', '9937', '9938', '9939', '9940', '9941', '9942', '9943', '9944', '9945', '9946',
  '9947', '9948', '9949', '9950', '9951', '9952', '9953', '9954', '9955', '9956', '9957', '9958',
]);

/** A bare orgnr: nine digits. The mod-11 digit is deliberately not checked (addressing notes §10.1). */
export function isOrganisationNumber(value: string): boolean {
  return /^\d{9}$/.test(value);
}

function parseIso6523(value: string): Iso6523Identifier | undefined {
  if (isOrganisationNumber(value)) {
    return { kind: 'iso6523', value: `${NORWEGIAN_ORG_ICD}:${value}`, icd: NORWEGIAN_ORG_ICD, organisationIdentifier: value };
  }
  const m = ISO6523.exec(value);
  if (!m || !m[1] || !m[2] || !KNOWN_ICDS.has(m[1])) return undefined;
  const id: Iso6523Identifier = { kind: 'iso6523', value, icd: m[1], organisationIdentifier: m[2] };
  if (m[3] !== undefined) id.partIdentifier = m[3];
  if (m[4] !== undefined) id.sourceIndicator = m[4];
  return id;
}

const WEIGHTS_K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const WEIGHTS_K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/** 11 − (Σ mod 11), with 11 → 0; 10 can never equal a digit, so such a number is invalid. */
function mod11(digits: string, weights: readonly number[]): number {
  let sum = 0;
  weights.forEach((w, i) => { sum += Number(digits[i]) * w; });
  const k = 11 - (sum % 11);
  return k === 11 ? 0 : k;
}

// Month offsets of synthetic numbers (addressing notes §10.3). +40 is both the H-number and NAV's
// synthetic range; neither belongs in a production address, so both count as synthetic here.
const SYNTHETIC_MONTH_OFFSETS = [20, 40, 65, 80];

function monthOffset(month: number): number | undefined {
  if (month >= 1 && month <= 12) return 0;
  return SYNTHETIC_MONTH_OFFSETS.find((o) => month - o >= 1 && month - o <= 12);
}

/**
 * A fødselsnummer or D-number: 11 digits, both mod-11 control digits, a day of 01–31 (41–71 for a
 * D-number) and a month of 01–12. The control digits alone cannot tell a synthetic number from a real
 * one (test numbers carry valid control digits), so the month offset decides, and synthetic numbers
 * pass only with `allowSynthetic`. The reference's basic parse lets Tenor numbers through always; we
 * follow its `identifier.synthetic.allow` switch instead, which staging turns on.
 */
export function parsePersonIdentifier(value: string, options: IdentifierOptions = {}): PersonIdentifier | undefined {
  if (!/^\d{11}$/.test(value)) return undefined;
  if (mod11(value, WEIGHTS_K1) !== Number(value[9]) || mod11(value, WEIGHTS_K2) !== Number(value[10])) return undefined;
  const day = Number(value.slice(0, 2));
  const isDNumber = day >= 41 && day <= 71;
  if (!isDNumber && (day < 1 || day > 31)) return undefined;
  const offset = monthOffset(Number(value.slice(2, 4)));
  if (offset === undefined) return undefined;
  const isSynthetic = offset !== 0;
  if (isSynthetic && options.allowSynthetic !== true) return undefined;
  return { kind: 'person', value, isDNumber, isSynthetic };
}

export function isPersonIdentifier(value: string, options: IdentifierOptions = {}): boolean {
  return parsePersonIdentifier(value, options) !== undefined;
}

function parseNhn(value: string, options: IdentifierOptions): NhnIdentifier | undefined {
  const m = /^(her-id|fastlege-for):(.{1,11})$/.exec(value);
  if (!m || !m[2]) return undefined;
  const id = m[2];
  if (m[1] === 'her-id') {
    return /^[1-9]\d*$/.test(id) ? { kind: 'nhn', value, form: 'her-id', id } : undefined;
  }
  return isPersonIdentifier(id, options) ? { kind: 'nhn', value, form: 'fastlege-for', id } : undefined;
}

/**
 * Parses `identifier.value` under its authority, in the reference's order: ISO 6523 (a bare orgnr
 * becomes `0192:<orgnr>`), person number, FIKS IO UUID; or an NHN identifier under `nhn-actorid`.
 * Returns undefined when nothing fits.
 */
export function parsePartnerIdentifier(
  value: string,
  authority: string = ISO6523_AUTHORITY,
  options: IdentifierOptions = {},
): PartnerIdentifier | undefined {
  if (authority === NHN_AUTHORITY) return parseNhn(value, options);
  if (authority !== ISO6523_AUTHORITY) return undefined;
  return parseIso6523(value)
    ?? parsePersonIdentifier(value, options)
    ?? (UUID.test(value) ? { kind: 'fiksio', value: value.toLowerCase() } : undefined);
}

/** The id used in Service Registry lookups and `*Identifier` filters (api notes §3.3). */
export function primaryIdentifier(id: PartnerIdentifier): string {
  return id.kind === 'iso6523' ? id.organisationIdentifier : id.value;
}

/** The organisation an out-message is recorded as sent by: the on-behalf-of part when there is one. */
export function recordedSenderIdentifier(id: PartnerIdentifier): string {
  return id.kind === 'iso6523' && id.partIdentifier !== undefined ? id.partIdentifier : primaryIdentifier(id);
}

export interface OnBehalfOf {
  identifier: PartnerIdentifier;
  /** The organisation the message is sent on behalf of, when it is. */
  onBehalfOf?: string;
}

/**
 * The on-behalf-of rewrite of api notes §3.3: a sender `0192:<other>` becomes `0192:<own>:<other>`; a
 * value with a part (the legacy `0192:<own>:<other>` form) is kept as it is. The reference compares the
 * whole identifier with `0192:<own>`, so it would turn `9908:<own>` into `9908:<own>:<own>`; we compare
 * the organisation number only, so an old ICD naming the own organisation stays the own organisation.
 */
export function normaliseOnBehalfOf(identifier: PartnerIdentifier, ownOrgNumber: string): OnBehalfOf {
  if (identifier.kind !== 'iso6523') return { identifier };
  if (identifier.partIdentifier !== undefined) return { identifier, onBehalfOf: identifier.partIdentifier };
  if (identifier.organisationIdentifier === ownOrgNumber) return { identifier };
  const other = identifier.organisationIdentifier;
  return {
    identifier: {
      kind: 'iso6523',
      value: `${identifier.icd}:${ownOrgNumber}:${other}`,
      icd: identifier.icd,
      organisationIdentifier: ownOrgNumber,
      partIdentifier: other,
    },
    onBehalfOf: other,
  };
}

const ELEVEN_DIGITS = /(?<!\d)\d{11}(?!\d)/g;

/**
 * For log lines: every free-standing 11-digit run (a fødselsnummer, also inside `fastlege-for:` or an
 * ISO 6523 value) becomes its SHA-256 hex, as the reference's IdentifierHasher does (§10.3).
 */
export function maskIdentifier(value: string): string {
  return value.replace(ELEVEN_DIGITS, (digits) => createHash('sha256').update(digits).digest('hex'));
}
