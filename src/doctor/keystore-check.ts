import { resolve } from 'node:path';
import type { Clock } from '../clock/index.js';
import type { Config } from '../config/index.js';
import { certificateDetails, KeystoreError, loadKeystoreEntry } from '../crypto/index.js';
import { checkResult, type DoctorCheck } from './check.js';

interface KeystoreSetting {
  path?: string;
  alias: string;
  password?: string;
  type: 'PKCS12' | 'JKS' | 'PEM';
}

const DAY_MS = 86_400_000;

/** The business keystore, and Maskinporten's when it is another one. */
export async function checkKeystores(config: Config, clock: Clock, warningDays: number): Promise<DoctorCheck[]> {
  const org = config.org.keystore;
  const checks = [await checkKeystore('keystore', 'efm.org.keystore', org, clock, warningDays)];
  const mp = config.maskinporten.keystore;
  const same = mp.path === org.path && mp.alias === org.alias;
  if (config.maskinporten.enabled && mp.path !== undefined && !same) {
    checks.push(await checkKeystore('keystore (maskinporten)', 'efm.maskinporten.keystore', mp, clock, warningDays));
  }
  return checks;
}

async function checkKeystore(name: string, prefix: string, ks: KeystoreSetting, clock: Clock, warningDays: number): Promise<DoctorCheck> {
  if (ks.path === undefined) {
    return checkResult(name, 'warn', 'none configured: the daemon generates a self-signed certificate, which other organisations do not trust',
      `for anything but the sandbox set ${prefix}.path, .password and .alias to your business certificate (virksomhetssertifikat, PKCS12 recommended)`);
  }
  const path = resolve(ks.path);
  try {
    const { entry, warnings } = await loadKeystoreEntry({ path, alias: ks.alias, password: ks.password ?? '', type: ks.type, clock, expiryWarningDays: warningDays });
    const { subject, notAfter } = certificateDetails(entry.certificate);
    const days = Math.floor((notAfter.getTime() - clock.now().getTime()) / DAY_MS);
    const detail = `${path} alias "${entry.alias}": ${subject}, valid until ${notAfter.toISOString()} (${days} days)`;
    if (warnings.length > 0) return checkResult(name, 'warn', detail, 'order a new business certificate now; the daemon will not start with an expired one');
    return checkResult(name, 'ok', detail);
  } catch (error) {
    if (!(error instanceof KeystoreError)) throw error;
    return checkResult(name, 'fail', error.message, keystoreFix(error.code, prefix));
  }
}

function keystoreFix(code: string, prefix: string): string {
  switch (code) {
    case 'EFM_KEYSTORE_WRONG_PASSWORD':
      return `set ${prefix}.password to the keystore's password (the key password must be the same)`;
    case 'EFM_KEYSTORE_ALIAS_NOT_FOUND':
      return `set ${prefix}.alias to one of the key entries listed`;
    case 'EFM_KEYSTORE_KEY_MISMATCH':
      return 'export the keystore again with the private key that belongs to the certificate';
    case 'EFM_CERTIFICATE_EXPIRED':
      return 'install a renewed business certificate; the daemon refuses to start with an expired one';
    case 'EFM_CERTIFICATE_NOT_YET_VALID':
      return 'check this machine\'s clock, or wait until the certificate\'s start date';
    default:
      return `check ${prefix}.path and ${prefix}.type, and that the service user may read the file`;
  }
}
