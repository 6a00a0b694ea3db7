// The pinned key(s) that sign configuration documents: a local file the operator installs, never fetched
// from the hub (a key fetched from the hub would trust whoever answers as the hub).
import { readFile } from 'node:fs/promises';
import type { JSONWebKeySet, JWK } from 'jose';
import { CentralConfigSetupError } from './errors.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/** Reads one JWK, or a JWK Set (two keys during a rollover). */
export async function readTrustedKeys(file: string): Promise<JSONWebKeySet> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CentralConfigSetupError(`efm.central-config.trusted-keys: cannot read a JWK from ${file}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const keys = isRecord(parsed) && Array.isArray(parsed.keys) ? (parsed.keys as unknown[]) : [parsed];
  if (keys.length === 0) throw new CentralConfigSetupError(`efm.central-config.trusted-keys: ${file} holds no key`);
  return { keys: keys.map((key) => checkKey(key, file)) };
}

function checkKey(key: unknown, file: string): JWK {
  if (!isRecord(key) || typeof key.kty !== 'string') throw new CentralConfigSetupError(`efm.central-config.trusted-keys: ${file} holds something that is not a JWK`);
  if (PRIVATE_MEMBERS.some((m) => m in key)) {
    throw new CentralConfigSetupError(`efm.central-config.trusted-keys: ${file} holds a private or symmetric key; pin the hub's public key only`);
  }
  return key as JWK;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
