import { readFile } from 'node:fs/promises';
import type { SecureContextOptions } from 'node:tls';
import { TrackingConfigError } from './errors.js';

// The client side of mutual TLS to the collector (ops notes §3.1: production Logstash takes only
// clients with a certificate; the reference bundles one PKCS#12 in the jar, we take paths).

export interface ClientTlsSettings {
  certificate?: string;
  key?: string;
  keystore?: string;
  keystorePassword?: string;
  ca?: string;
}

export async function loadClientTls(s: ClientTlsSettings): Promise<SecureContextOptions> {
  if ((s.certificate === undefined) !== (s.key === undefined)) {
    throw new TrackingConfigError('efm.tracking.tls.certificate and efm.tracking.tls.key go together: set both or neither');
  }
  if (s.certificate !== undefined && s.keystore !== undefined) {
    throw new TrackingConfigError('set either efm.tracking.tls.certificate + key or efm.tracking.tls.keystore, not both');
  }
  const out: SecureContextOptions = {};
  if (s.certificate !== undefined && s.key !== undefined) {
    out.cert = await readSetting('efm.tracking.tls.certificate', s.certificate);
    out.key = await readSetting('efm.tracking.tls.key', s.key);
  }
  if (s.keystore !== undefined) {
    out.pfx = await readSetting('efm.tracking.tls.keystore', s.keystore);
    out.passphrase = s.keystorePassword;
  }
  if (s.ca !== undefined) out.ca = await readSetting('efm.tracking.tls.ca', s.ca);
  return out;
}

async function readSetting(key: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new TrackingConfigError(`${key}: cannot read ${path}`, err);
  }
}
