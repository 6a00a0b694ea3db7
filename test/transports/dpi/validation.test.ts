import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentSendError } from '../../../src/transports/index.js';
import { DpiBusinessMessageInvalidError, loadDpiSchemas } from '../../../src/transports/dpi/index.js';
import { featureDigital, FEATURE_DOCUMENTS, letter, mailboxRecord, SCHEMA_DIR, sendContext, startDpiWorld, type DpiWorld } from './support.js';

// Outgoing business messages are checked against Digdir's JSON Schemas before anything is packed or
// sent: a letter the schema refuses gets FEIL at once, with every problem named, and corner 2 never
// sees it. Other letters no retry can fix are refused the same way.

let world: DpiWorld;
beforeAll(async () => { world = await startDpiWorld(); });
afterAll(async () => { await world.close(); });

async function refusal(outgoing: ReturnType<typeof letter>): Promise<PermanentSendError> {
  const transport = await world.transport();
  const before = world.corner2.letters.length;
  const error = await transport.send(outgoing, sendContext()).then(() => undefined, (e: unknown) => e);
  expect(world.corner2.letters.length).toBe(before);
  expect(error).toBeInstanceOf(PermanentSendError);
  return error as PermanentSendError;
}

describe('DPI business message validation', () => {
  it('refuses a digital message the schema does not allow, naming each problem', async () => {
    const error = await refusal(letter(world, {
      business: { ...featureDigital(), sikkerhetsnivaa: 5, fakturaReferanse: 'x'.repeat(41), tittel: '' },
    }));
    expect(error.cause).toBeInstanceOf(DpiBusinessMessageInvalidError);
    const problems = (error.cause as DpiBusinessMessageInvalidError).problems.map((p) => p.field);
    expect(problems).toEqual(expect.arrayContaining([
      '/standardBusinessDocument/digital/sikkerhetsnivaa',
      '/standardBusinessDocument/digital/avsender/fakturaReferanse',
      '/standardBusinessDocument/digital/ikkesensitivtittel',
    ]));
    expect(error.message).toContain('sikkerhetsnivaa');
  });

  it('refuses digital post to a receiver whose record has no mailbox address', async () => {
    const error = await refusal(letter(world, { record: mailboxRecord(world, { postkasseAdresse: null }) }));
    expect((error.cause as DpiBusinessMessageInvalidError).problems).toEqual([
      expect.objectContaining({ field: '/standardBusinessDocument/digital/mottaker', code: 'required' }),
    ]);
  });

  it('refuses a print letter whose address has neither a Norwegian postal code nor a country', async () => {
    const error = await refusal(letter(world, {
      type: 'print', receiver: null,
      business: { hoveddokument: 'arkivmelding.xml', mottaker: { navn: 'Ola Nordmann', land: 'Norway' }, retur: { mottaker: { navn: 'Avsender', adresselinje1: 'Gate 1', postnummer: '0150', poststed: 'Oslo' } } },
    }));
    expect(error.cause).toBeInstanceOf(DpiBusinessMessageInvalidError);
  });

  it('refuses a letter without its primary document, and one whose metadata file was not uploaded', async () => {
    const noPrimary = await refusal(letter(world, {
      business: { ...featureDigital(), hoveddokument: 'missing.pdf' },
      documents: FEATURE_DOCUMENTS.map((d) => ({ ...d, primaryDocument: false })),
    }));
    expect(noPrimary.message).toMatch(/primary document/);
    const noMetadata = await refusal(letter(world, { business: { ...featureDigital(), metadataFiler: { 'arkivmelding.xml': 'meta.json' } } }));
    expect(noMetadata.message).toContain('meta.json');
  });

  it('refuses a file name the SDP manifest cannot carry', async () => {
    const error = await refusal(letter(world, {
      business: { ...featureDigital(), hoveddokument: 'a.x', metadataFiler: {} },
      documents: [{ filename: 'a.x', mimetype: 'application/pdf', content: Buffer.from('%PDF'), primaryDocument: true }],
    }));
    expect(error.message).toContain('file name of 4 to 100 characters');
  });
});

describe(loadDpiSchemas.name, () => {
  it('knows the DPI message and receipt types and names what a document lacks', async () => {
    const schemas = await loadDpiSchemas(SCHEMA_DIR);
    for (const type of ['digital', 'utskrift', 'leveringskvittering', 'aapningskvittering', 'varslingfeiletkvittering', 'mottakskvittering', 'returpostkvittering', 'feil', 'flyttet']) {
      expect(schemas.knows(type), type).toBe(true);
    }
    expect(schemas.knows('arkivmelding')).toBe(false);
    expect(schemas.problems('digital', { standardBusinessDocument: {} })).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: '/standardBusinessDocument', code: 'required' }),
    ]));
  });
});
