import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldProblem } from '../../domain/index.js';
import { DpiSchemasUnreadableError } from './errors.js';

// Digdir's DPI JSON Schemas (schemas/dpi-json, copied verbatim): the reference validates every business
// message it sends and every receipt it reads against them (transports notes §5.3). Each schema's `$id`
// is `https://docs.digdir.no/schemas/dpi/<type>.schema.json` and describes the whole wrapped document
// `{"standardBusinessDocument": {...}}`.

export interface DpiSchemaValidator {
  /** The problems of `document` against the schema of `type`; empty when valid. */
  problems(type: string, document: unknown): FieldProblem[];
  /** Whether a schema exists for `type` (the receipt types, digital and utskrift). */
  knows(type: string): boolean;
}

const schemaId = (type: string): string => `https://docs.digdir.no/schemas/dpi/${type}.schema.json`;

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };

export async function loadDpiSchemas(dir: string): Promise<DpiSchemaValidator> {
  // The schemas are Digdir's, not ours: strict mode would reject their loose typing.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  try {
    for (const name of (await readdir(dir)).filter((n) => n.endsWith('.schema.json')).sort()) {
      ajv.addSchema(JSON.parse(await readFile(join(dir, name), 'utf8')) as object);
    }
  } catch (error) {
    throw new DpiSchemasUnreadableError(dir, error);
  }
  const compiled = new Map<string, ValidateFunction | undefined>();
  const validatorOf = (type: string): ValidateFunction | undefined => {
    if (!compiled.has(type)) {
      try {
        compiled.set(type, ajv.getSchema(schemaId(type)));
      } catch (error) {
        throw new DpiSchemasUnreadableError(dir, error);
      }
    }
    return compiled.get(type);
  };
  return {
    knows: (type) => validatorOf(type) !== undefined,
    problems(type, document) {
      const validate = validatorOf(type);
      if (validate === undefined) return [{ field: '', message: `no DPI JSON Schema for type ${type}`, code: 'schema' }];
      return validate(document) ? [] : (validate.errors ?? []).map(toProblem);
    },
  };
}

function toProblem(error: ErrorObject): FieldProblem {
  return { field: error.instancePath || '/', message: error.message ?? 'is invalid', code: error.keyword };
}
