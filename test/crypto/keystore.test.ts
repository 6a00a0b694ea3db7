import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock/index.js';
import {
  CertificateExpiredError,
  CertificateNotYetValidError,
  certificateDetails,
  generateSelfSignedKeystore,
  KeystoreAliasNotFoundError,
  KeystoreError,
  KeystoreKeyMismatchError,
  KeystorePasswordError,
  loadKeystoreEntry,
  readKeystore,
} from '../../src/crypto/index.js';
import { CUCUMBER_PASSWORD, cucumberPath, JKS_PATH, OWN_ORG, openssl, tempDir, TEST_CLOCK } from './fixtures.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => { dir = await tempDir(); });
afterAll(async () => { await dir.remove(); });

describe('PKCS#12 (cucumber.p12)', () => {
  it('loads the selected entry with the same certificate bytes OpenSSL extracts', async () => {
    const { entry, warnings } = await loadKeystoreEntry({ path: cucumberPath(), alias: OWN_ORG, password: CUCUMBER_PASSWORD, clock: TEST_CLOCK });
    const pem = openssl(['pkcs12', '-in', cucumberPath(), '-passin', `pass:${CUCUMBER_PASSWORD}`, '-nokeys', '-clcerts']).toString('utf8');
    const block = new RegExp(`friendlyName: ${OWN_ORG}[\\s\\S]*?(-----BEGIN CERTIFICATE-----[\\s\\S]*?-----END CERTIFICATE-----)`).exec(pem)?.[1];
    const fingerprint = openssl(['x509', '-noout', '-fingerprint', '-sha256'], Buffer.from(block ?? '')).toString('utf8').split('=')[1]?.trim();
    expect(entry.alias).toBe(OWN_ORG);
    expect(entry.certificate.fingerprint256).toBe(fingerprint);
    expect(entry.certificate.checkPrivateKey(entry.privateKey)).toBe(true);
    expect(entry.chain).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it('lists every key entry of the store', async () => {
    const contents = await readKeystore({ path: cucumberPath(), password: CUCUMBER_PASSWORD });
    expect(contents.type).toBe('PKCS12');
    expect(contents.keyEntries.map((e) => e.alias)).toEqual(expect.arrayContaining([OWN_ORG, '910075918', '987464291']));
  });

  it('refuses a wrong password with KeystorePasswordError', async () => {
    const error = await loadKeystoreEntry({ path: cucumberPath(), alias: OWN_ORG, password: 'wrong', clock: TEST_CLOCK }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeystorePasswordError);
    expect((error as KeystorePasswordError).code).toBe('EFM_KEYSTORE_WRONG_PASSWORD');
  });

  it('names the aliases it has when the selected one is missing', async () => {
    const error = await loadKeystoreEntry({ path: cucumberPath(), alias: '123456789', password: CUCUMBER_PASSWORD, clock: TEST_CLOCK }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeystoreAliasNotFoundError);
    expect((error as KeystoreAliasNotFoundError).aliases).toContain(OWN_ORG);
    expect((error as Error).message).toContain('123456789');
  });

  it('reports a missing file as unreadable', async () => {
    const error = await loadKeystoreEntry({ path: join(dir.path, 'nope.p12'), alias: 'a', password: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeystoreError);
    expect((error as KeystoreError).code).toBe('EFM_KEYSTORE_UNREADABLE');
  });
});

describe('JKS (test.jks made by keytool)', () => {
  it('loads the key entry and its certificate', async () => {
    const { entry } = await loadKeystoreEntry({ path: JKS_PATH, alias: OWN_ORG, password: 'changeit', clock: TEST_CLOCK });
    expect(certificateDetails(entry.certificate).subject).toContain(`CN=efm test ${OWN_ORG}`);
    expect(entry.certificate.checkPrivateKey(entry.privateKey)).toBe(true);
  });

  it('keeps trusted certificate entries apart from key entries', async () => {
    const contents = await readKeystore({ path: JKS_PATH, password: 'changeit' });
    expect(contents.type).toBe('JKS');
    expect(contents.keyEntries.map((e) => e.alias)).toEqual([OWN_ORG]);
    expect(contents.trusted.map((e) => e.alias)).toEqual(['peer']);
  });

  it('refuses a wrong password with KeystorePasswordError', async () => {
    await expect(loadKeystoreEntry({ path: JKS_PATH, alias: OWN_ORG, password: 'wrong' })).rejects.toBeInstanceOf(KeystorePasswordError);
  });
});

describe('PEM key and chain', () => {
  function keyAndCert(): { keyPem: string; certPem: string } {
    const keyFile = join(dir.path, `key-${randomUUID()}.pem`);
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyFile]);
    const certPem = openssl(['req', '-x509', '-key', keyFile, '-subj', '/CN=pem test', '-days', '30000']);
    return { keyPem: readFileSync(keyFile, 'utf8'), certPem: certPem.toString('utf8') };
  }

  it('loads a key with its certificate under the configured alias', async () => {
    const { keyPem, certPem } = keyAndCert();
    const path = join(dir.path, 'plain.pem');
    await writeFile(path, keyPem + certPem);
    const { entry } = await loadKeystoreEntry({ path, alias: OWN_ORG, password: '', clock: TEST_CLOCK });
    expect(entry.alias).toBe(OWN_ORG);
    expect(certificateDetails(entry.certificate).subject).toBe('CN=pem test');
  });

  it('opens an encrypted key with the password and refuses a wrong one', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const encrypted = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString();
    const { certPem } = keyAndCert();
    const path = join(dir.path, 'encrypted.pem');
    await writeFile(path, encrypted + certPem);
    await expect(loadKeystoreEntry({ path, alias: 'a', password: 'wrong' })).rejects.toBeInstanceOf(KeystorePasswordError);
    // The certificate belongs to another key: the right password gets as far as the mismatch check.
    await expect(loadKeystoreEntry({ path, alias: 'a', password: 'secret', clock: TEST_CLOCK })).rejects.toBeInstanceOf(KeystoreKeyMismatchError);
  });
});

describe(generateSelfSignedKeystore.name, () => {
  it('writes a PKCS#12 file that OpenSSL and keytool open, with the org number in the subject', async () => {
    const out = join(dir.path, 'generated.p12');
    const generated = await generateSelfSignedKeystore({ orgNumber: OWN_ORG, password: 'pw', out, clock: TEST_CLOCK });
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const subject = openssl(['pkcs12', '-in', out, '-passin', 'pass:pw', '-nokeys']).toString('utf8');
    expect(subject).toContain(`serialNumber = ${OWN_ORG}`);
    const listing = execFileSync('keytool', ['-list', '-storetype', 'PKCS12', '-keystore', out, '-storepass', 'pw']).toString('utf8');
    expect(listing).toContain(`${OWN_ORG}, `);
    expect(listing).toContain('PrivateKeyEntry');
    const { entry } = await loadKeystoreEntry({ path: out, alias: OWN_ORG, password: 'pw', clock: TEST_CLOCK });
    expect(entry.certificate.fingerprint256).toBe(generated.entry.certificate.fingerprint256);
    expect(certificateDetails(entry.certificate).notBefore.toISOString()).toBe('2030-01-15T12:00:00.000Z');
  });

  it('warns about a certificate that expires within 30 days and refuses an expired one', async () => {
    const out = join(dir.path, 'short.p12');
    await generateSelfSignedKeystore({ orgNumber: OWN_ORG, password: 'pw', out, validDays: 40, clock: TEST_CLOCK });
    const selection = { path: out, alias: OWN_ORG, password: 'pw' };
    expect((await loadKeystoreEntry({ ...selection, clock: fixedClock('2030-01-25T12:00:00Z') })).warnings).toEqual([]);
    const soon = await loadKeystoreEntry({ ...selection, clock: fixedClock('2030-02-14T12:00:00Z') });
    expect(soon.warnings).toEqual([expect.objectContaining({ code: 'EFM_CERTIFICATE_EXPIRES_SOON', alias: OWN_ORG, daysLeft: 10 })]);
    await expect(loadKeystoreEntry({ ...selection, clock: fixedClock('2030-03-01T00:00:00Z') })).rejects.toBeInstanceOf(CertificateExpiredError);
    await expect(loadKeystoreEntry({ ...selection, clock: fixedClock('2030-01-01T00:00:00Z') })).rejects.toBeInstanceOf(CertificateNotYetValidError);
  });
});
