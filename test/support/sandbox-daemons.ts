import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import { testConfig } from '../../src/config/testing.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { createLogger } from '../../src/logging/index.js';
import type { SandboxNetwork, SandboxOrganisation } from '../../src/sandbox/index.js';

// Daemons of the sandbox's demo organisations for the end-to-end tests: the settings `efm sandbox`
// gives each one (its organisation, keystore and the fakes' URLs), in the test process or written out
// as a config file for `node dist/main.js start --config`.
export const SANDBOX_USER = 'efm-e2e';
export const SANDBOX_PASSWORD = 'efm-e2e-password';
export const SCHEMA_DIR = resolve(import.meta.dirname, '../../schemas');

export interface SandboxDaemonSettings {
  network: SandboxNetwork;
  organisation: SandboxOrganisation;
  dataDir: string;
  /** Broker URL when it differs from the sandbox's own (a recording tap in front of it). */
  brokerUrl?: string;
  /** Further settings, canonical keys. */
  extra?: Record<string, string | number | boolean>;
}

/** The canonical settings of one sandbox daemon (cf. sandboxDaemonEnv in src/cli.ts). */
export function sandboxDaemonSettings(s: SandboxDaemonSettings): Record<string, string | number | boolean> {
  return {
    'efm.server.port': 0,
    'efm.data-dir': s.dataDir,
    'efm.org.number': s.organisation.orgnr,
    'efm.org.keystore.path': s.organisation.keystorePath,
    'efm.org.keystore.password': s.organisation.keystorePassword,
    'efm.api.auth.username': SANDBOX_USER,
    'efm.api.auth.password': SANDBOX_PASSWORD,
    'efm.service-registry.url': s.network.registryUrl,
    'efm.service-registry.sign.enabled': true,
    'efm.maskinporten.enabled': true,
    'efm.maskinporten.url': s.network.maskinportenUrl,
    'efm.maskinporten.audience': s.network.maskinportenAudience,
    'efm.dpo.enabled': true,
    'efm.dpo.brokerservice-url': s.brokerUrl ?? s.network.brokerUrl,
    'efm.dpo.altinn-token-exchange-url': s.network.altinnTokenExchangeUrl,
    'efm.validation.strict': false,
    ...s.extra,
  };
}

export interface InProcessDaemon {
  orgnr: string;
  daemon: RunningDaemon;
  /** Log lines at warn and above, for a failing test to show. */
  logLines: string[];
  close(): Promise<void>;
}

/** A daemon in the test process; its log (warn and above) is kept in memory. */
export async function startSandboxDaemon(s: SandboxDaemonSettings): Promise<InProcessDaemon> {
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      done();
    },
  });
  const daemon = await startDaemon({
    config: testConfig(sandboxDaemonSettings(s)),
    log: createLogger({ level: 'warn', destination }),
    version: '0.0.0-e2e',
    schemaDir: SCHEMA_DIR,
    host: '127.0.0.1',
  });
  return { orgnr: s.organisation.orgnr, daemon, logLines, close: () => daemon.close() };
}

/** The settings as the YAML of a `--config` file (nested `efm:` keys). */
export function settingsYaml(settings: Record<string, string | number | boolean>): string {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    const path = key.split('.');
    let node = root;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
      else node = (node[part] = {}) as Record<string, unknown>;
    }
    node[path.at(-1) ?? key] = value;
  }
  return stringify(root);
}
