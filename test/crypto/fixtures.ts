import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixedClock } from '../../src/clock/index.js';
import { readKeystore, type KeystoreContents, type KeystoreEntry } from '../../src/crypto/index.js';

// Shared test material: the reference's test keystore from ../shared (required, never skipped) and the
// committed JKS fixture.

const HERE = dirname(fileURLToPath(import.meta.url));

export const CUCUMBER_PASSWORD = 'changeit';
export const OWN_ORG = '910077473';
export const PEER_ORG = '910075918';
export const JKS_PATH = join(HERE, 'fixtures', 'test.jks');
/** A day the cucumber certificates (2019–2119) are valid. */
export const TEST_CLOCK = fixedClock('2030-01-15T12:00:00Z');

export function cucumberPath(): string {
  const path = resolve(HERE, '../../../shared/conformance/fixtures/cucumber.p12');
  if (!existsSync(path)) {
    throw new Error(`the reference test keystore is missing: expected ${path} (the ../shared checkout beside the project)`);
  }
  return path;
}

let cucumber: Promise<KeystoreContents> | undefined;

/** A key entry of cucumber.p12, read once per test file (its nine PBKDF2-protected keys are slow to open). */
export async function cucumberEntry(alias: string): Promise<KeystoreEntry> {
  cucumber ??= readKeystore({ path: cucumberPath(), password: CUCUMBER_PASSWORD });
  const entry = (await cucumber).keyEntries.find((e) => e.alias === alias);
  if (entry === undefined) throw new Error(`cucumber.p12 has no alias ${alias}`);
  return entry;
}

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'efm-crypto-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Runs the openssl CLI; returns stdout, throws with stderr on failure. */
export function openssl(args: string[], input?: Buffer): Buffer {
  try {
    return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr) : String(error);
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr}`, { cause: error });
  }
}
