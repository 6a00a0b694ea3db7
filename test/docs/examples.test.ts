import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArkivmelding, validateArkivmeldingXml } from '../../src/domain/arkivmelding.js';
import { sniffFormat } from '../../src/domain/file-format.js';

// The files the README's quick start uploads must pass every check, strict ones included.
const EXAMPLES = resolve(import.meta.dirname, '../../docs/examples');
const XSD_DIR = resolve(import.meta.dirname, '../../schemas/arkivmelding');

describe('README examples', () => {
  it('arkivmelding.xml is valid against the arkivmelding XSD and references vedtak.pdf', async () => {
    const xml = await readFile(join(EXAMPLES, 'arkivmelding.xml'), 'utf8');
    const names = (await readdir(XSD_DIR)).filter((n) => n.endsWith('.xsd'));
    const xsd = await Promise.all(names.map(async (fileName) => ({ fileName, contents: await readFile(join(XSD_DIR, fileName), 'utf8') })));
    expect(await validateArkivmeldingXml(xml, xsd)).toEqual([]);
    expect(parseArkivmelding(xml)).toMatchObject({ messageTitle: 'Vedtak i byggesak', messageReference: '6f1e2d3c-4b5a-4697-8877-665544332211-7', referencedFiles: ['vedtak.pdf'] });
  });

  it('vedtak.pdf is recognised as a PDF', async () => {
    expect(sniffFormat(await readFile(join(EXAMPLES, 'vedtak.pdf')), 'vedtak.pdf')).toBe('pdf');
  });
});
