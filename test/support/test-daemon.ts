import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fixedClock } from '../../src/clock/index.js';
import { testConfig } from '../../src/config/testing.js';
import type { ConfigEntry } from '../../src/config/index.js';
import { loadCentralLayer } from '../../src/central-config/index.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { generateSelfSignedKeystore, type GeneratedKeystore } from '../../src/crypto/index.js';
import { createLogger } from '../../src/logging/index.js';
import { startFakeServiceRegistry, defaultDemoOrganisations, type FakeServiceRegistry } from '../../src/sandbox/index.js';

// A real daemon in the test process: temp data dir, keystores for the demo organisations, the sandbox's
// fake Service Registry on 127.0.0.1:0, and a fixed clock unless the test asks otherwise.
export const OWN_ORG = '910077473';
export const PEER_ORG = '910075918';
export const USER = 'testuser';
export const PASSWORD = 'testpassword';
export const SCHEMA_DIR = resolve(import.meta.dirname, '../../schemas');
export const DEFAULT_NOW = '2019-03-25T11:38:23Z';

export interface TestDaemon {
  daemon: RunningDaemon;
  registry: FakeServiceRegistry;
  dataDir: string;
  logLines: string[];
  /** fetch against the daemon with basic auth unless `auth: false`. */
  api(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  /** Stops the daemon and starts a new one on the same data dir (and settings, with overrides). */
  restart(overrides?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export interface TestDaemonOptions {
  /** Config keys in any spelling (see testConfig). */
  config?: Record<string, unknown>;
}

// Generating RSA keys is most of a daemon's start-up; the daemons of one test process share a pair,
// valid from the fixed "now" of the tests for ten years.
let keystores: Promise<{ own: GeneratedKeystore; peer: GeneratedKeystore }> | undefined;

function testKeystores(): Promise<{ own: GeneratedKeystore; peer: GeneratedKeystore }> {
  keystores ??= (async () => {
    const issued = { clock: fixedClock(DEFAULT_NOW), validDays: 3650, password: 'secret' };
    const [own, peer] = await Promise.all([
      generateSelfSignedKeystore({ orgNumber: OWN_ORG, ...issued }),
      generateSelfSignedKeystore({ orgNumber: PEER_ORG, ...issued }),
    ]);
    return { own, peer };
  })();
  return keystores;
}

function entriesOf(settings: Record<string, unknown>): Map<string, ConfigEntry> {
  const all: Record<string, unknown> = { 'efm.org.number': OWN_ORG, 'efm.api.auth.username': USER, 'efm.api.auth.password': PASSWORD, ...settings };
  const entries = new Map<string, ConfigEntry>();
  for (const [key, value] of Object.entries(all)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') entries.set(key, { value, source: 'test' });
    else if (Array.isArray(value)) entries.set(key, { value: value.map(String), source: 'test' });
  }
  return entries;
}

export async function startTestDaemon(options: TestDaemonOptions = {}): Promise<TestDaemon> {
  const dataDir = await mkdtemp(join(tmpdir(), 'efm-test-'));
  const keys = join(dataDir, 'keys');
  await mkdir(keys);
  const { own, peer } = await testKeystores();
  await writeFile(join(keys, 'own.p12'), own.pkcs12, { mode: 0o600 });
  const registry = await startFakeServiceRegistry({
    organisations: defaultDemoOrganisations({ [OWN_ORG]: own.entry.certificate.toString(), [PEER_ORG]: peer.entry.certificate.toString() }),
  });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      done();
    },
  });
  let settings: Record<string, unknown> = {
    'server.port': 0,
    'efm.data-dir': join(dataDir, 'data'),
    'efm.clock.fixed': DEFAULT_NOW,
    'efm.scheduling.enabled': false,
    'difi.move.org.keystore.path': join(keys, 'own.p12'),
    'difi.move.org.keystore.password': 'secret',
    'difi.move.serviceregistryEndpoint': registry.url,
    'difi.move.oidc.enable': false,
    'difi.move.feature.enableDPO': true,
    'difi.move.feature.enableDPE': true,
    ...options.config,
  };
  const start = async () => {
    const config = testConfig(settings);
    // With central configuration on, start as efm start does: the local entries plus the central layer.
    const layered = config.centralConfig.enabled ? await loadCentralLayer({ config, entries: entriesOf(settings) }) : undefined;
    return startDaemon({
      config: layered?.config ?? config, central: layered?.central,
      log: createLogger({ level: 'debug', destination }), version: '0.0.0-test', schemaDir: SCHEMA_DIR, host: '127.0.0.1',
    });
  };
  let daemon = await start();
  const t: TestDaemon = {
    get daemon() { return daemon; },
    registry, dataDir, logLines,
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.auth !== false) headers.set('authorization', `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
      return fetch(`${daemon.url}${path}`, { ...init, headers });
    },
    async restart(overrides = {}) {
      await daemon.close();
      settings = { ...settings, ...overrides };
      daemon = await start();
    },
    async close() {
      try {
        await daemon.close();
      } finally {
        await registry.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
  return t;
}
