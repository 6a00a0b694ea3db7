import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { checkFileFormat, isFormatAllowed, sniffFormat } from '../../src/domain/index.js';

function zip(entries: { name: string; data: string; store?: boolean }[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const e of entries) z.addBuffer(Buffer.from(e.data), e.name, { compress: e.store !== true });
  z.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    z.outputStream.on('error', reject);
  });
}

const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n', 'latin1');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a464946', 'hex');
const TIFF = Buffer.from('49492a0008000000', 'hex');
const ARKIVMELDING = readFileSync(new URL('fixtures/arkivmelding_ok.xml', import.meta.url));

describe(sniffFormat.name, () => {
  it('recognises the binary formats by their signatures', () => {
    expect(sniffFormat(PDF)).toBe('pdf');
    expect(sniffFormat(PNG)).toBe('png');
    expect(sniffFormat(JPEG)).toBe('jpeg');
    expect(sniffFormat(Buffer.from('GIF89a...'))).toBe('gif');
    expect(sniffFormat(TIFF)).toBe('tiff');
  });

  it('recognises XML with and without a declaration or BOM, and tells HTML apart', () => {
    expect(sniffFormat(ARKIVMELDING)).toBe('xml');
    expect(sniffFormat(Buffer.from('\uFEFF  <arkivmelding/>'))).toBe('xml');
    expect(sniffFormat(Buffer.from('<!DOCTYPE html><html><body>hei</body></html>'))).toBe('html');
    expect(sniffFormat(Buffer.from('<html lang="nb"><p>hei</p></html>'))).toBe('html');
  });

  it('recognises JSON and plain UTF-8 text, also when a chunk cuts a character', () => {
    expect(sniffFormat(Buffer.from(' {"a": 1}'))).toBe('json');
    expect(sniffFormat(Buffer.from('Testing 1 2 3\n'))).toBe('text');
    const cut = Buffer.from('blåbær').subarray(0, 3); // "bl" + the first byte of "å"
    expect(sniffFormat(cut)).toBe('text');
    expect(sniffFormat(Buffer.alloc(0))).toBe('text');
  });

  it('calls bytes with NULs or broken UTF-8 unknown', () => {
    expect(sniffFormat(Buffer.from([0x41, 0x00, 0x42]))).toBe('unknown');
    expect(sniffFormat(Buffer.from([0x41, 0xff, 0xfe, 0x42, 0x43, 0x44, 0x45]))).toBe('unknown');
  });

  it('tells the zip-based office formats apart', async () => {
    const odt = await zip([{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.text', store: true }, { name: 'content.xml', data: '<x/>' }]);
    const ods = await zip([{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', store: true }]);
    const docx = await zip([{ name: '[Content_Types].xml', data: '<Types/>' }, { name: 'word/document.xml', data: '<w/>' }]);
    const plain = await zip([{ name: 'a.txt', data: 'a' }]);
    expect(sniffFormat(odt)).toBe('odt');
    expect(sniffFormat(ods)).toBe('ods');
    expect(sniffFormat(docx)).toBe('docx');
    expect(sniffFormat(plain)).toBe('zip');
    expect(sniffFormat(plain, 'report.xlsx')).toBe('xlsx');
  });
});

describe(checkFileFormat.name, () => {
  it('allows everything with any, the reference behaviour', () => {
    expect(isFormatAllowed({ filename: 'x.exe', leadingBytes: Buffer.from([0x4d, 0x5a, 0x00]), allowed: ['any'] })).toBe(true);
  });

  it('refuses a .pdf whose bytes are no PDF even when pdf is allowed', () => {
    const result = checkFileFormat({ filename: 'fake.pdf', leadingBytes: Buffer.from('just text'), allowed: ['pdf', 'text'] });
    expect(result).toEqual({ allowed: false, detected: 'text', reason: 'its name says pdf but its content is text' });
  });

  it('refuses content outside the list and accepts content inside it', () => {
    expect(isFormatAllowed({ filename: 'a.pdf', leadingBytes: PDF, allowed: ['pdf'] })).toBe(true);
    expect(isFormatAllowed({ filename: 'a.png', leadingBytes: PNG, allowed: ['pdf'] })).toBe(false);
    expect(isFormatAllowed({ filename: 'noext', leadingBytes: PDF, allowed: ['pdf'] })).toBe(true);
    expect(isFormatAllowed({ filename: 'blob.bin', leadingBytes: Buffer.from([0, 1, 2]), allowed: ['pdf', 'text'] })).toBe(false);
  });

  it('takes a text-kind name at its word when the content is text', () => {
    expect(isFormatAllowed({ filename: 'data.txt', leadingBytes: Buffer.from('{"a":1}'), allowed: ['text'] })).toBe(true);
    expect(isFormatAllowed({ filename: 'data.txt', leadingBytes: Buffer.from('{"a":1}'), allowed: ['json'] })).toBe(false);
    expect(isFormatAllowed({ filename: 'arkivmelding.xml', leadingBytes: ARKIVMELDING, allowed: ['xml', 'pdf'] })).toBe(true);
  });

  it('passes what the reference acceptance features send under a list of their formats', () => {
    const allowed = ['pdf', 'xml', 'text', 'html'];
    expect(isFormatAllowed({ filename: 'test.txt', leadingBytes: Buffer.from('Testing 1 2 3'), allowed })).toBe(true);
    expect(isFormatAllowed({ filename: 'svada.pdf', leadingBytes: PDF, allowed })).toBe(true);
    expect(isFormatAllowed({ filename: 'arkivmelding.xml', leadingBytes: ARKIVMELDING, allowed })).toBe(true);
    expect(isFormatAllowed({ filename: 'melding.html', leadingBytes: Buffer.from('<html><body>hei</body></html>'), allowed })).toBe(true);
  });
});
