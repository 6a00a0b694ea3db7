import type { Writable } from 'node:stream';
import { ChildDaemon } from './child-daemon.js';
import { waitUntilHealthy, type LaunchOutcome } from './health-wait.js';
import type { InstalledRelease } from './installed-release.js';

// Starts one verified release as the daemon child and waits for it to report UP (ops notes §1.4 step 7:
// `java -jar` with the home as working directory; here `node <entry> <args>`).
export interface LaunchSettings {
  /** The Node executable that runs the child. */
  command: string;
  /** Arguments after the entry script, e.g. `start --config /etc/efm/efm.yml`. */
  args: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  output: 'inherit' | 'ignore' | Writable;
  healthUrl: string;
  pollIntervalMs: number;
  timeoutMs: number;
  /** How long a stopping child may take to finish its in-flight work before it is killed. */
  drainTimeoutMs: number;
}

export interface Launch {
  child: ChildDaemon;
  outcome: LaunchOutcome;
}

export async function launchRelease(release: InstalledRelease, s: LaunchSettings): Promise<Launch> {
  const child = ChildDaemon.spawn({ command: s.command, args: [release.entryPath, ...s.args], cwd: s.cwd, env: s.env, output: s.output });
  const outcome = await waitUntilHealthy({ healthUrl: s.healthUrl, child, pollIntervalMs: s.pollIntervalMs, timeoutMs: s.timeoutMs });
  if (outcome !== 'healthy') await child.stop(s.drainTimeoutMs);
  return { child, outcome };
}
