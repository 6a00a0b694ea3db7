import { createHash } from 'node:crypto';
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

const LENIENT_PAUSE_FACTOR = 4;
const RESULT_CACHE_SIZE = 256;

export class StrictChecks {
  private xsd?: Promise<XsdFile[]>;
  private lenient: Promise<void> = Promise.resolve();
  private lenientRunning = false;
  private lenientQuietUntil = 0;
  private lenientSkipped = 0;
  private readonly results = new Map<string, FieldProblem[]>();

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
   * The XSD check at send. Strict, it is awaited and rejects. Lenient, it may only log a warning, and each
   * check starts a worker that compiles the XSD engine (xmllint-wasm, ~0.1 s of CPU) — most of a daemon's
   * work per arkivmelding, which the reference never spends (it does not validate the XML). So a lenient
   * check runs beside the send path and within a budget: one at a time, and after a check that took d,
   * none for LENIENT_PAUSE_FACTOR × d, so warnings cost at most a fifth of one core however busy the
   * daemon is. Under load a sample of the messages is checked; the others are skipped and counted.
   * Results are cached by content, since an XSD check of the same bytes gives the same answer. The
   * validation endpoint always checks in full.
   */
  async checkArkivmelding(xml: string): Promise<void> {
    if (this.o.isStrict()) {
      this.enforce('arkivmelding.xml does not follow the arkivmelding schema', await this.cachedProblems(xml));
      return;
    }
    if (this.lenientRunning || performance.now() < this.lenientQuietUntil) {
      this.lenientSkipped++;
      return;
    }
    this.lenientRunning = true;
    const started = performance.now();
    this.lenient = this.cachedProblems(xml)
      .then((problems) => this.enforce('arkivmelding.xml does not follow the arkivmelding schema', problems))
      .catch((err: unknown) => this.o.log.warn({ err }, 'the lenient arkivmelding XSD check failed'))
      .finally(() => {
        const ended = performance.now();
        this.lenientQuietUntil = ended + LENIENT_PAUSE_FACTOR * (ended - started);
        this.lenientRunning = false;
      });
  }

  /** Lenient XSD checks skipped because too many were waiting (for metrics and tests). */
  get skippedLenientChecks(): number {
    return this.lenientSkipped;
  }

  /** Resolves when the lenient check started last has run. */
  settled(): Promise<void> {
    return this.lenient;
  }

  private async cachedProblems(xml: string): Promise<FieldProblem[]> {
    const key = createHash('sha256').update(xml).digest('hex');
    const hit = this.results.get(key);
    if (hit) return hit;
    const problems = await this.arkivmeldingProblems(xml);
    if (this.results.size >= RESULT_CACHE_SIZE) this.results.delete(this.results.keys().next().value ?? '');
    this.results.set(key, problems);
    return problems;
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
