// The business-message fields the reference documents and annotates as required but does not enforce
// (api notes §3.6 caveat, §8 item 6). The caller rejects on these problems in strict mode
// (`efm.validation.strict`) and logs a warning otherwise, so existing case systems keep working.
import type { MessageType } from './catalogue.js';
import type { FieldProblem } from './errors.js';
import { isPersonIdentifier, type IdentifierOptions } from './identifiers.js';
import type { StandardBusinessDocument } from './sbd.js';
import { businessMessageOf, typeOf } from './sbd-access.js';
import type { ServiceIdentifier } from './statuses.js';

type Rule = (value: unknown, path: string, out: FieldProblem[]) => void;
type Fields = Record<string, Rule>;

const isAbsent = (v: unknown) => v === undefined || v === null;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const problem = (out: FieldProblem[], field: string, message: string, code: string, rejectedValue?: unknown) => {
  out.push(rejectedValue === undefined ? { field, message, code } : { field, message, code, rejectedValue });
};

function required(rule: Rule): Rule {
  return (v, path, out) => (isAbsent(v) ? problem(out, path, 'must not be null', 'NotNull') : rule(v, path, out));
}

function optional(rule: Rule): Rule {
  return (v, path, out) => { if (!isAbsent(v)) rule(v, path, out); };
}

const str: Rule = (v, path, out) => { if (typeof v !== 'string') problem(out, path, 'must be a string', 'typeMismatch', v); };

const text: Rule = (v, path, out) => {
  if (typeof v !== 'string' || v.trim() === '') problem(out, path, 'must not be blank', 'NotBlank', v);
};

// Jackson coerces "true"/"false" and numeric strings, so the reference reads those as well.
const bool: Rule = (v, path, out) => {
  if (typeof v !== 'boolean' && v !== 'true' && v !== 'false') problem(out, path, 'must be true or false', 'typeMismatch', v);
};

const asNumber = (v: unknown) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v);

const comparable = (s: string) => s.replace(/_/g, '').toLowerCase();

/** Enum values compare as Jackson reads them in either spelling (`VarselDPVMedRevarsel`, `VARSEL_DPV_MED_REVARSEL`). */
function oneOf(values: readonly string[]): Rule {
  return (v, path, out) => {
    if (typeof v !== 'string' || !values.some((a) => comparable(a) === comparable(v))) {
      problem(out, path, `'${String(v)}' is not expected. Allowed values are: [${values.join(', ')}]`, 'OneOf', v);
    }
  };
}

function integerIn(values: readonly number[]): Rule {
  return (v, path, out) => {
    const n = asNumber(v);
    if (typeof n !== 'number' || !values.includes(n)) problem(out, path, `must be one of ${values.join(', ')}`, 'OneOf', v);
  };
}

const integer: Rule = (v, path, out) => { if (!Number.isInteger(asNumber(v))) problem(out, path, 'must be a whole number', 'typeMismatch', v); };

const isoDate: Rule = (v, path, out) => {
  const ok = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))
    && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
  if (!ok) problem(out, path, 'must be a date as YYYY-MM-DD', 'typeMismatch', v);
};

const instant: Rule = (v, path, out) => {
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) problem(out, path, 'must be an ISO-8601 instant', 'typeMismatch', v);
};

const language: Rule = (v, path, out) => {
  if (typeof v !== 'string' || !/^[a-z]{2}$/i.test(v)) problem(out, path, 'must be an ISO 639-1 language code (two letters)', 'Pattern', v);
};

function object(fields: Fields): Rule {
  return (v, path, out) => {
    if (!isObject(v)) return problem(out, path, 'must be a JSON object', 'typeMismatch');
    for (const [name, rule] of Object.entries(fields)) rule(v[name], `${path}.${name}`, out);
  };
}

const anyObject: Rule = (v, path, out) => { if (!isObject(v)) problem(out, path, 'must be a JSON object', 'typeMismatch'); };

function mapOf(rule: Rule): Rule {
  return (v, path, out) => {
    if (!isObject(v)) return problem(out, path, 'must be a JSON object', 'typeMismatch');
    for (const [key, value] of Object.entries(v)) rule(value, `${path}[${key}]`, out);
  };
}

function listOf(rule: Rule): Rule {
  return (v, path, out) => {
    if (!Array.isArray(v)) return problem(out, path, 'must be an array', 'typeMismatch');
    v.forEach((item: unknown, i) => rule(item, `${path}[${i}]`, out));
  };
}

function personNumber(options: IdentifierOptions): Rule {
  return (v, path, out) => {
    if (typeof v !== 'string' || !isPersonIdentifier(v, options)) {
      problem(out, path, 'must be a valid fødselsnummer or D-number', 'PersonIdentifier');
    }
  };
}

const DPV_SETTINGS = object({
  varselType: optional(oneOf(['VarselDPVMedRevarsel', 'VarselDPVUtenRevarsel'])),
  varselTransportType: optional(oneOf(['EpostOgSMS', 'Epost', 'SMS'])),
  varselTekst: optional(str),
  taushetsbelagtVarselTekst: optional(str),
  dagerTilSvarfrist: optional(integer),
});

const ADDRESS = object(Object.fromEntries(
  ['navn', 'adresselinje1', 'adresselinje2', 'adresselinje3', 'adresselinje4', 'postnummer', 'poststed', 'land']
    .map((name) => [name, optional(str)]),
));

const MESSAGES = optional(listOf(object({ code: optional(str), text: optional(str) })));

interface RuleOptions extends IdentifierOptions {
  serviceIdentifier?: ServiceIdentifier;
}

function fieldsOf(type: MessageType, options: RuleOptions): Fields {
  switch (type) {
    case 'arkivmelding':
      return {
        // Annotated required for DPF only, where it chooses SvarUt's security level.
        sikkerhetsnivaa: (options.serviceIdentifier === 'DPF' ? required : optional)(integerIn([3, 4])),
        hoveddokument: optional(text),
        dpv: optional(DPV_SETTINGS),
        dpf: optional(object({ forsendelseType: optional(text) })),
      };
    case 'arkivmelding_kvittering':
      return {
        receiptType: required(oneOf(['OK', 'NOTSUPPORTED', 'WARNING', 'ERROR'])),
        relatedToMessageId: required(text),
        messages: MESSAGES,
      };
    case 'avtalt':
      return { identifier: required(text), content: required(anyObject) };
    case 'digital':
      return {
        sikkerhetsnivaa: required(integerIn([3, 4])),
        hoveddokument: required(text),
        tittel: required(text),
        spraak: required(language),
        digitalPostInfo: required(object({ virkningsdato: required(isoDate), aapningskvittering: required(bool) })),
        avsenderId: optional(text),
        fakturaReferanse: optional(str),
        varsler: optional(object({ epostTekst: optional(str), smsTekst: optional(str) })),
        metadataFiler: optional(mapOf(text)),
      };
    case 'print':
      return {
        hoveddokument: required(text),
        avsenderId: optional(text),
        fakturaReferanse: optional(str),
        utskriftsfarge: optional(oneOf(['SORT_HVIT', 'FARGE'])),
        posttype: optional(oneOf(['B_OEKONOMI', 'A_PRIORITERT'])),
        printinstruksjoner: optional(mapOf(str)),
        mottaker: optional(ADDRESS),
        retur: optional(object({ mottaker: optional(ADDRESS), returhaandtering: optional(oneOf(['DIREKTE_RETUR', 'MAKULERING_MED_MELDING'])) })),
      };
    case 'digital_dpv':
      return { tittel: required(text), sammendrag: required(text), innhold: required(text), dpv: optional(DPV_SETTINGS) };
    case 'innsynskrav':
      return { orgnr: required(text), epost: required(text) };
    case 'publisering':
      return { orgnr: required(text) };
    case 'einnsyn_kvittering':
      return { dokumentId: required(text), status: required(str), referanseType: required(oneOf(['innsynskrav', 'publisering'])) };
    case 'status':
      return { status: required(oneOf(['MOTTATT', 'LEVERT'])) };
    case 'dialogmelding':
      return {
        hoveddokument: required(text),
        pasient: required(object({
          fnr: required(personNumber(options)),
          fornavn: required(text),
          mellomnavn: optional(str),
          etternavn: required(text),
        })),
        metadataFiler: optional(mapOf(object({ issueDate: optional(instant), description: optional(str) }))),
      };
    case 'dialogmelding_kvittering':
      return {
        relatedToMessageId: required(text),
        status: required(oneOf(['OK', 'REJECTED', 'OK_ERROR_IN_MESSAGE_PART'])),
        messages: MESSAGES,
        rawReceipt: optional(str),
      };
    case 'feil':
      return {};
  }
}

/**
 * The documented business-message rules for the SBD's type. Run it after the create defaults, which
 * fill some of these fields (print defaults, the patient of a `fastlege-for` dialogmelding). Returns
 * the problems under `<type>.<field>` paths; empty when the message follows the documentation.
 */
export function checkBusinessMessage(sbd: StandardBusinessDocument, options: RuleOptions = {}): FieldProblem[] {
  const type = typeOf(sbd);
  if (type === undefined) return [];
  const out: FieldProblem[] = [];
  object(fieldsOf(type, options))(businessMessageOf(sbd), type, out);
  return out;
}
