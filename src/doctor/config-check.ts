import type { Config } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import { EfmError } from '../domain/index.js';
import { checkResult, type DoctorCheck } from './check.js';

export type ConfigLoader = () => Promise<{ config: Config; warnings: readonly string[] }>;

/** Loads the configuration exactly as `efm start` does; every later check needs it. */
export async function checkConfig(load: ConfigLoader): Promise<{ check: DoctorCheck; config?: Config }> {
  try {
    const { config, warnings } = await load();
    if (warnings.length === 0) return { check: checkResult('config', 'ok', 'valid'), config };
    return {
      check: checkResult('config', 'warn', `valid, with ${warnings.length} setting(s) ignored: ${warnings.join('; ')}`, 'remove or rename the settings listed; `efm settings` lists every supported key'),
      config,
    };
  } catch (error) {
    if (error instanceof ConfigError) {
      const problems = error.problems.map((p) => `${p.key} (${p.source}): ${p.message}`);
      return { check: checkResult('config', 'fail', `${problems.length} problem(s): ${problems.join('; ')}`, 'correct the settings listed (key and where it was set); `efm settings` lists every key with its environment variable') };
    }
    if (error instanceof EfmError) return { check: checkResult('config', 'fail', error.message, `fix the setting named (${error.code})`) };
    throw error;
  }
}
