import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../src/clock/index.js';
import type { Config } from '../../src/config/index.js';
import { testConfig } from '../../src/config/testing.js';
import { createLogger, type Logger } from '../../src/logging/index.js';
import { startDistributionHub, signRelease, type DistributionHub } from '../../src/sandbox/hub/index.js';
import { buildSupervisor, packRelease, type BuiltSupervisor } from '../../src/update/index.js';
import { generateKeyPair, writeFakePackage, type FakeReleaseSpec, type KeyPair } from './fake-release.js';

// What the supervisor tests share: a temp folder, the sandbox hub, a signing key pair, fake releases
// (fake-release.ts) published to the hub, and supervisors built from a test config.

export const silentLog = (): Logger => createLogger({ level: process.env.UPDATE_TEST_LOG ?? 'silent' });

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

export interface Health {
  status: string;
  version: string;
  pid: number;
}

export interface Harness {
  dir: string;
  root: string;
  hub: DistributionHub;
  keys: KeyPair;
  keyFile: string;
  port: number;
  /** Packs, signs (with the pinned key unless told otherwise) and publishes a fake release; returns its archive. */
  publish(spec: FakeReleaseSpec & { tag?: string; signWith?: KeyPair }): Promise<string>;
  /** Packs and signs a fake release without publishing it. */
  build(spec: FakeReleaseSpec & { signWith?: KeyPair }): Promise<{ archive: string; signature: string }>;
  setFeed(latest: string, earlybird?: string): Promise<void>;
  supervisor(overrides?: Record<string, unknown>, clock?: Clock): Promise<BuiltSupervisor>;
  /** The test config the supervisors are built from: the hub, the pinned key, short waits, and overrides. */
  config(overrides?: Record<string, unknown>): Config;
  health(): Promise<Health | undefined>;
  /** Versions in the order the fake daemon was started. */
  started(): Promise<string[]>;
  /** Requests the hub received for archives. */
  archiveDownloads(): string[];
  cleanup(): Promise<void>;
}

export const ENVIRONMENT = 'sandbox';

export async function createHarness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'efm-update-'));
  const root = join(dir, 'home');
  const hub = await startDistributionHub({ dir: join(dir, 'hub') });
  const keys = await generateKeyPair();
  const keyFile = join(dir, 'release-key.asc');
  await writeFile(keyFile, keys.publicKey);
  const port = await freePort();
  const supervisors: BuiltSupervisor[] = [];
  let builds = 0;

  const build: Harness['build'] = async (spec) => {
    const source = join(dir, `build-${++builds}`);
    await writeFakePackage(source, spec);
    const archive = join(dir, `build-${builds}.zip`);
    await packRelease({ sourceDir: source, out: archive });
    const signature = await signRelease({ archive, privateKey: (spec.signWith ?? keys).privateKey });
    return { archive, signature };
  };

  const config = (overrides: Record<string, unknown> = {}) => testConfig({
    'efm.update.feed-url': hub.feedUrl,
    'efm.update.releases-url': hub.releasesUrl,
    'efm.update.public-key-paths': [keyFile],
    'efm.update.install-root': root,
    'efm.update.environment': ENVIRONMENT,
    'efm.update.health-url': `http://127.0.0.1:${port}/manage/health`,
    'efm.update.launch-poll-interval': '50ms',
    'efm.update.launch-timeout': '3s',
    'efm.update.drain-timeout': '5s',
    'efm.update.restart.initial-backoff': '50ms',
    'efm.update.restart.max-backoff': '200ms',
    ...overrides,
  });

  return {
    dir, root, hub, keys, keyFile, port, build,
    publish: async (spec) => {
      const { archive, signature } = await build(spec);
      await hub.publish({ tag: spec.tag ?? spec.version, archive, signature });
      return archive;
    },
    setFeed: (latest, earlybird) => hub.setFeed({ [ENVIRONMENT]: { latest, ...(earlybird ? { earlybird } : {}) }, production: { latest: '0.0.1' } }),
    supervisor: async (overrides = {}, clock = systemClock) => {
      const built = await buildSupervisor({ config: config(overrides), log: silentLog(), clock, env: { FAKE_PORT: String(port) }, childArgs: [], childOutput: 'ignore' });
      supervisors.push(built);
      return built;
    },
    config,
    health: async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/manage/health`);
        return (await response.json()) as Health;
      } catch {
        return undefined;
      }
    },
    started: async () => (await readFile(join(root, 'started.log'), 'utf8').catch(() => '')).split('\n').filter((l) => l !== ''),
    archiveDownloads: () => hub.requests.filter((r) => r.url.startsWith('/releases/') && r.url.endsWith('.zip')).map((r) => r.url),
    cleanup: async () => {
      for (const s of supervisors) await s.close();
      await hub.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `probe` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
