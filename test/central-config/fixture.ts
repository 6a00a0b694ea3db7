import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { pino, type Logger } from 'pino';
import { signCentralDocument, type CentralDocumentClaims, type SettingValue } from '../../src/central-config/index.js';
import { manualClock } from '../../src/clock/index.js';
import { validateConfig, type Config, type ConfigEntry } from '../../src/config/index.js';

// A temp data dir, a hub key the test generates and pins, local config entries as loadConfig would
// return them, a signer for documents, and a log that keeps its lines.
export const ORG = '910077473';
export const START = '2026-05-04T10:00:00Z';

export interface HubKey {
  privateKey: KeyObject;
  kid: string;
}

export interface Fixture {
  dir: string;
  clock: ReturnType<typeof manualClock>;
  hub: HubKey;
  keysFile: string;
  log: Logger;
  logLines: Record<string, unknown>[];
  local(overrides?: Readonly<Record<string, SettingValue | undefined>>): { config: Config; entries: ReadonlyMap<string, ConfigEntry> };
  sign(claims: Partial<CentralDocumentClaims>, key?: HubKey): Promise<string>;
  auditLines(): Promise<Record<string, unknown>[]>;
  cleanup(): Promise<void>;
}

export async function newHubKey(): Promise<HubKey> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = await calculateJwkThumbprint(await exportJWK(privateKey), 'sha256');
  return { privateKey, kid };
}

export async function publicJwkOf(key: HubKey): Promise<Record<string, unknown>> {
  const { kty, crv, x, y } = await exportJWK(key.privateKey);
  return { kty, crv, x, y, kid: key.kid, alg: 'ES256', use: 'sig' };
}

export async function createFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'efm-central-'));
  const clock = manualClock(START);
  const hub = await newHubKey();
  const keysFile = join(dir, 'hub-key.jwk.json');
  await writeFile(keysFile, JSON.stringify({ keys: [await publicJwkOf(hub)] }));
  const logLines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => { logLines.push(JSON.parse(line) as Record<string, unknown>); } });
  let serial = 0;
  const auditFile = join(dir, 'data', 'central-config', 'audit.jsonl');

  return {
    dir, clock, hub, keysFile, log, logLines,
    local(overrides = {}) {
      const values: Record<string, SettingValue | undefined> = {
        'efm.org.number': ORG,
        'efm.api.auth.enabled': false,
        'efm.data-dir': join(dir, 'data'),
        'efm.central-config.enabled': true,
        'efm.central-config.url': 'http://127.0.0.1:9/config',
        'efm.central-config.trusted-keys': keysFile,
        ...overrides,
      };
      const entries = new Map<string, ConfigEntry>();
      for (const [key, value] of Object.entries(values)) if (value !== undefined) entries.set(key, { value, source: 'local.yml' });
      return { config: validateConfig(entries).config, entries };
    },
    async sign(claims, key = hub) {
      const now = Math.floor(clock.now().getTime() / 1000);
      serial = claims.serial ?? serial + 1;
      return signCentralDocument({
        privateKey: key.privateKey, alg: 'ES256', kid: key.kid,
        claims: { iat: now, exp: now + 3600, settings: {}, ...claims, serial },
      });
    },
    async auditLines() {
      const text = await readFile(auditFile, 'utf8').catch(() => '');
      return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
