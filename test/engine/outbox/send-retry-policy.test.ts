import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { DEFAULT_OUTBOX_SETTINGS, sendRetryPolicy } from '../../../src/engine/index.js';

const CONFIG_DIR = resolve(import.meta.dirname, '../../../config');
const CREDENTIALS = { EFM_ORG_NUMBER: '910077473', EFM_API_AUTH_USERNAME: 'u', EFM_API_AUTH_PASSWORD: 'p' };

function queueOf(properties: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'efm-retry-'));
  try {
    const configFile = join(dir, 'local.properties');
    writeFileSync(configFile, properties);
    const { queue } = loadConfig({ configDir: CONFIG_DIR, configFile, env: { ...CREDENTIALS, ...env } }).config;
    return sendRetryPolicy({
      maximumRetryHours: queue.maximumRetryHours, initialBackoffMs: queue.initialBackoff, backoffFactor: queue.backoffFactor, maxBackoffMs: queue.maxBackoff,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe(sendRetryPolicy.name, () => {
  it('is the reference redelivery by default: 20 s, ×3, capped at 1 h, 106 attempts', () => {
    expect(queueOf('')).toEqual(DEFAULT_OUTBOX_SETTINGS.retry);
    expect(DEFAULT_OUTBOX_SETTINGS.retry).toEqual({ maxAttempts: 106, initialBackoffMs: 20_000, backoffMultiplier: 3, maxBackoffMs: 3_600_000 });
  });

  it('takes each part from the configuration, by reference key, our key or environment', () => {
    const policy = queueOf('difi.move.queue.maximum-retry-hours=10\nefm.queue.initial-backoff=5s\n', { EFM_QUEUE_BACKOFF_FACTOR: '2', EFM_QUEUE_MAX_BACKOFF: '10m' });
    expect(policy).toEqual({ maxAttempts: 16, initialBackoffMs: 5_000, backoffMultiplier: 2, maxBackoffMs: 600_000 });
  });
});
