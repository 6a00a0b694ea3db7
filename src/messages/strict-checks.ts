import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { XsdFile } from '../domain/arkivmelding.js';
import { checkBusinessMessage } from '../domain/business-rules.js';
import { ValidationError, type FieldProblem } from '../domain/errors.js';
import type { StandardBusinessDocument } from '../domain/sbd.js';
import type { Logger } from '../logging/index.js';
import type { ArkivmeldingReader } from './arkivmelding-reader.js';

type BusinessRuleOptions = NonNullable<Parameters<typeof checkBusinessMessage>[1]>;

// The rules the reference documents but does not enforce (api notes §3.6 caveat, §8.6): with
// `efm.validation.strict` they reject the message; without, they only log a warning, so case systems
// written against the reference keep working.
export class StrictValidationError extends ValidationError {
  constructor(what: string, problems: FieldProblem[]) {
    super(`${what}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, { code: 'EFM_STRICT_VALIDATION_FAILED', problems });
  }
}

export interface StrictChecksOptions {
  /** Read on every check: the setting may be changed centrally while the daemon runs. */
  isStrict: () => boolean;
  arkivmelding: Pick<ArkivmeldingReader, 'schemaProblems'>;
  /** Directory holding schemas/arkivmelding/*.xsd. */
  schemaDir: string;
  log: Logger;
}

export class StrictChecks {
  private xsd?: Promise<XsdFile[]>;

  constructor(private readonly o: StrictChecksOptions) {}

  get isStrict(): boolean {
    return this.o.isStrict();
  }

  businessProblems(sbd: StandardBusinessDocument, options: BusinessRuleOptions): FieldProblem[] {
    return checkBusinessMessage(sbd, options);
  }

  async arkivmeldingProblems(xml: string): Promise<FieldProblem[]> {
    return this.o.arkivmelding.schemaProblems(xml, await this.schemas());
  }

  /**
   * The XSD check at send runs only in strict mode. Lenient, it could only log a warning, and each check
   * starts a worker thread that compiles the XSD engine (xmllint-wasm): about 0.2 s of CPU per message,
   * most of a daemon's work per arkivmelding. The reference does not validate the XML at all; the
   * explicit validation endpoint still reports the schema problems as warnings.
   */
  async checkArkivmelding(xml: string): Promise<void> {
    if (!this.o.isStrict()) return;
    this.enforce('arkivmelding.xml does not follow the arkivmelding schema', await this.arkivmeldingProblems(xml));
  }

  /** Rejects in strict mode; otherwise logs the problems (fields and codes only, never the values). */
  enforce(what: string, problems: FieldProblem[]): void {
    if (problems.length === 0) return;
    if (this.o.isStrict()) throw new StrictValidationError(what, problems);
    this.o.log.warn({ problems: problems.map((p) => ({ field: p.field, code: p.code, message: p.message })) }, 'message accepted although it breaks documented rules (efm.validation.strict is off)');
  }

  /** The XSDs are read once, on first use. */
  private schemas(): Promise<XsdFile[]> {
    this.xsd ??= (async () => {
      const dir = join(this.o.schemaDir, 'arkivmelding');
      const names = (await readdir(dir)).filter((n) => n.endsWith('.xsd'));
      return Promise.all(names.map(async (fileName) => ({ fileName, contents: await readFile(join(dir, fileName), 'utf8') })));
    })();
    return this.xsd;
  }
}
