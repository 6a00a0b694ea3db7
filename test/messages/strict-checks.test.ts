import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/index.js';
import { ArkivmeldingReader } from '../../src/messages/arkivmelding-reader.js';
import { StrictChecks, StrictValidationError } from '../../src/messages/strict-checks.js';

const SCHEMA_DIR = resolve(import.meta.dirname, '../../schemas');
const NOT_AN_ARKIVMELDING = '<?xml version="1.0"?><arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding"><ukjent/></arkivmelding>';

function checks(isStrict: boolean): { strict: StrictChecks; logLines: string[] } {
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const strict = new StrictChecks({ isStrict: () => isStrict, arkivmelding: new ArkivmeldingReader(), schemaDir: SCHEMA_DIR, log: createLogger({ level: 'warn', destination }) });
  return { strict, logLines };
}

describe(StrictChecks.name, () => {
  it('rejects at send an arkivmelding.xml that breaks the schema, in strict mode', async () => {
    const { strict } = checks(true);
    await expect(strict.checkArkivmelding(NOT_AN_ARKIVMELDING)).rejects.toBeInstanceOf(StrictValidationError);
  });

  it('accepts at send when not strict, and warns about the schema problems beside the send path', async () => {
    const { strict, logLines } = checks(false);
    await expect(strict.checkArkivmelding(NOT_AN_ARKIVMELDING)).resolves.toBeUndefined();
    await strict.settled();
    expect(logLines.some((l) => l.includes('efm.validation.strict is off') && l.includes('ArkivmeldingSchema'))).toBe(true);
  });

  it('skips lenient checks while one runs and for a while after it, instead of piling up work', async () => {
    const { strict, logLines } = checks(false);
    for (let i = 0; i < 20; i++) await strict.checkArkivmelding(`${NOT_AN_ARKIVMELDING}<!-- ${i} -->`);
    expect(strict.skippedLenientChecks).toBe(19);
    await strict.settled();
    await strict.checkArkivmelding(`${NOT_AN_ARKIVMELDING}<!-- right after -->`);
    expect(strict.skippedLenientChecks).toBe(20);
    expect(logLines.filter((l) => l.includes('efm.validation.strict is off'))).toHaveLength(1);
  });

  it('still reports schema problems to the validation endpoint when not strict', async () => {
    const { strict } = checks(false);
    expect((await strict.arkivmeldingProblems(NOT_AN_ARKIVMELDING)).length).toBeGreaterThan(0);
  });
});
