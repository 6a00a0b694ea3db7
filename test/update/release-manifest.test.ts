import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_V2_VERSION } from '../../src/api/v2/index.js';
import { parseReleaseManifest } from '../../src/update/release-manifest.js';

describe(parseReleaseManifest.name, () => {
  it('reads our own package.json as a release manifest whose API major is the current API major', async () => {
    const text = await readFile(resolve(import.meta.dirname, '../../package.json'), 'utf8');
    const manifest = parseReleaseManifest(text);
    expect(manifest.entry).toBe('dist/main.js');
    expect(manifest.apiMajor).toBe(Number(API_V2_VERSION.split('.')[0]));
  });

  it('takes bin as a plain string and keeps the entry inside the release', () => {
    const manifest = parseReleaseManifest(JSON.stringify({ version: 'v3.1.0', bin: './bin/../dist/main.js', efm: { apiMajor: 3 } }));
    expect(manifest).toEqual({ version: { tag: 'v3.1.0', version: '3.1.0', major: 3 }, entry: 'dist/main.js', apiMajor: 3 });
  });
});
