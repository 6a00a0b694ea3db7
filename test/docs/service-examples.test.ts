import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../src/domain/file-format.js';
import { SANDBOX_RECEIVERS } from '../../src/sandbox/index.js';

// The README's "one message per service": the files it sends exist, and the receivers it names are the
// sandbox's (test/e2e/services sends the same messages through the daemons).
const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLES = join(ROOT, 'docs/examples');

describe('README: one message per service', () => {
  it('names files that exist and the sandbox\'s receivers', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### One message per service'), readme.indexOf('## Running it for real'));
    for (const [path] of section.matchAll(/docs\/examples\/[\w.-]+/g)) expect(existsSync(join(ROOT, path)), path).toBe(true);
    for (const receiver of [SANDBOX_RECEIVERS.dpv.orgnr, SANDBOX_RECEIVERS.dpf.orgnr, SANDBOX_RECEIVERS.citizen.fnr]) expect(section).toContain(`--to ${receiver}`);
  });

  it('has a dialogmelding SBD whose primary document and attachments are the example files', async () => {
    const sbd = JSON.parse(await readFile(join(EXAMPLES, 'dialogmelding-sbd.json'), 'utf8')) as { dialogmelding: { hoveddokument: string; metadataFiler: Record<string, unknown> } };
    expect(sbd.dialogmelding.hoveddokument).toBe('dialogmelding.xml');
    expect(sniffFormat(await readFile(join(EXAMPLES, 'dialogmelding.xml')), 'dialogmelding.xml')).toBe('xml');
    for (const name of Object.keys(sbd.dialogmelding.metadataFiler)) expect(sniffFormat(await readFile(join(EXAMPLES, name)), name)).toBe('pdf');
  });
});
