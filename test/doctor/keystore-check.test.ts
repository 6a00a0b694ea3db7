import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock/index.js';
import { testConfig } from '../../src/config/testing.js';
import { generateSelfSignedKeystore } from '../../src/crypto/index.js';
import { checkKeystores } from '../../src/doctor/keystore-check.js';

const ISSUED = '2026-01-01T00:00:00Z';
let dir: string;
let keystore: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'efm-doctor-ks-'));
  keystore = join(dir, 'org.p12');
  await generateSelfSignedKeystore({ orgNumber: '910077473', password: 'changeit', out: keystore, validDays: 365, clock: fixedClock(ISSUED) });
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const configured = (overrides: Record<string, unknown> = {}) => testConfig({
  'efm.org.keystore.path': keystore, 'efm.org.keystore.password': 'changeit', ...overrides,
});

describe(checkKeystores.name, () => {
  it('reads the keystore and reports the certificate and its days left', async () => {
    const [check] = await checkKeystores(configured(), fixedClock('2026-03-01T00:00:00Z'), 30);
    expect(check).toMatchObject({ name: 'keystore', status: 'ok', detail: expect.stringMatching(/alias "910077473".*valid until 2027-01-01.*\(306 days\)/) as unknown });
  });

  it('warns when the certificate expires within the warning days', async () => {
    const [check] = await checkKeystores(configured(), fixedClock('2026-12-20T00:00:00Z'), 30);
    expect(check).toMatchObject({ status: 'warn', ok: true, fix: expect.stringContaining('new business certificate') as unknown });
  });

  it('fails for an expired certificate', async () => {
    const [check] = await checkKeystores(configured(), fixedClock('2027-06-01T00:00:00Z'), 30);
    expect(check).toMatchObject({ status: 'fail', ok: false, detail: expect.stringContaining('expired') as unknown, fix: expect.stringContaining('renewed') as unknown });
  });

  it('fails for a wrong password, a wrong alias and a missing file, each with its own fix', async () => {
    const clock = fixedClock('2026-03-01T00:00:00Z');
    const [password] = await checkKeystores(configured({ 'efm.org.keystore.password': 'wrong' }), clock, 30);
    const [alias] = await checkKeystores(configured({ 'efm.org.keystore.alias': 'other' }), clock, 30);
    const [missing] = await checkKeystores(configured({ 'efm.org.keystore.path': join(dir, 'nope.p12') }), clock, 30);
    expect(password).toMatchObject({ status: 'fail', fix: expect.stringContaining('efm.org.keystore.password') as unknown });
    expect(alias).toMatchObject({ status: 'fail', detail: expect.stringContaining('910077473') as unknown, fix: expect.stringContaining('efm.org.keystore.alias') as unknown });
    expect(missing).toMatchObject({ status: 'fail', detail: expect.stringContaining('no such file') as unknown });
  });

  it('checks a separate Maskinporten keystore as a check of its own', async () => {
    const checks = await checkKeystores(configured({
      'efm.maskinporten.keystore.path': join(dir, 'mp.p12'), 'efm.maskinporten.keystore.password': 'changeit',
    }), fixedClock('2026-03-01T00:00:00Z'), 30);
    expect(checks.map((c) => [c.name, c.status])).toEqual([['keystore', 'ok'], ['keystore (maskinporten)', 'fail']]);
  });

  it('warns that a generated self-signed certificate is used when none is configured', async () => {
    const checks = await checkKeystores(testConfig(), fixedClock('2026-03-01T00:00:00Z'), 30);
    expect(checks).toMatchObject([{ name: 'keystore', status: 'warn', detail: expect.stringContaining('self-signed') as unknown }]);
  });
});
