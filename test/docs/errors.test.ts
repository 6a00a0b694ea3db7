import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_PASSWORD_ENV } from '../../src/client/index.js';
import { describeSettings } from '../../src/config/index.js';
import { DEFAULT_PASSWORD_ENV } from '../../src/crypto/cli-io.js';

// STYLE.md: every error code is listed in one document. This keeps docs/errors.md and src/ in step.
const ROOT = resolve(import.meta.dirname, '../..');
const CODE = /'(EFM_[A-Z0-9_]+)'/g;
// Environment variable names share the prefix; they are settings, not error codes.
const ENV_NAMES = new Set([API_PASSWORD_ENV, DEFAULT_PASSWORD_ENV, ...describeSettings().map((s) => s.env)]);

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('docs/errors.md', () => {
  it('lists every error code used in src/, and no code that no longer exists', async () => {
    const used = new Set<string>();
    for (const file of await sourceFiles(join(ROOT, 'src'))) {
      for (const m of (await readFile(file, 'utf8')).matchAll(CODE)) if (m[1] && !ENV_NAMES.has(m[1])) used.add(m[1]);
    }
    const doc = await readFile(join(ROOT, 'docs/errors.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `(EFM_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    expect([...used].filter((c) => !documented.has(c)).sort(), 'codes missing from docs/errors.md').toEqual([]);
    expect([...documented].filter((c) => c !== undefined && !used.has(c)).sort(), 'documented codes not used in src/').toEqual([]);
  });
});
