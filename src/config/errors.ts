import type { FieldProblem } from '../domain/index.js';
import { EfmError } from '../domain/index.js';

export const HIDDEN = '(hidden)';

/** One thing wrong with the configuration. `value` is `(hidden)` for secrets and absent when unset. */
export interface ConfigProblem extends FieldProblem {
  /** The key as it was written (or our canonical key when it was not written at all). */
  key: string;
  value?: string;
  /** A file path, `EFM_X env`, or `default`. */
  source: string;
}

export type ConfigProblemCode =
  | 'EFM_CONFIG_UNKNOWN_KEY'
  | 'EFM_CONFIG_INVALID_VALUE'
  | 'EFM_CONFIG_REQUIRED'
  | 'EFM_CONFIG_UNREADABLE';

export function configProblem(code: ConfigProblemCode, p: { key: string; value?: string; source: string; message: string }): ConfigProblem {
  return { field: p.key, code, message: p.message, key: p.key, source: p.source, ...(p.value === undefined ? {} : { value: p.value, rejectedValue: p.value }) };
}

/** Every problem found in one pass; start-up stops, and a pushed config is rejected as a whole. */
export class ConfigError extends EfmError {
  declare readonly problems: ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(summarise(problems), { code: 'EFM_CONFIG_INVALID', kind: 'validation', problems: [...problems] });
  }
}

function summarise(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.key} (${p.source}): ${p.message}${p.value === undefined ? '' : ` [value: ${JSON.stringify(p.value)}]`}`);
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [`Invalid configuration (${count}):`, ...lines].join('\n');
}
