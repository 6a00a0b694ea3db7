import type { X509Certificate } from 'node:crypto';
import type { Clock } from '../clock/index.js';
import { ValidationError } from '../domain/errors.js';
import type { ServiceIdentifier } from '../domain/statuses.js';

// The business certificate check before create and send (api notes §5.2 step 6): our certificate must be
// valid now, and when DPO or DPE is enabled it must be the one the Service Registry's Virksert has for
// our organisation — otherwise receivers would encrypt to a key we do not hold.
export class InvalidCertificateError extends ValidationError {
  constructor(reason: string) {
    super(reason, { code: 'EFM_INVALID_CERTIFICATE', exception: 'no.difi.meldingsutveksling.exceptions.InvalidCertificateException' });
  }
}

export interface CertificateCheckOptions {
  certificate: X509Certificate;
  orgNumber: string;
  /** DPO or DPE enabled: compare with the registry's copy. */
  compareWithRegistry: boolean;
  /** The PEM the registry has for an organisation (cached by the client). */
  registryCertificate: (orgNumber: string) => Promise<string>;
  parsePem: (pem: string) => X509Certificate;
  clock: Clock;
}

function normaliseSerial(serial: string): string {
  return serial.replace(/^0+/, '').toUpperCase();
}

export function certificateCheck(o: CertificateCheckOptions): (service: ServiceIdentifier) => Promise<void> {
  // The registry's copy changes rarely, and the check runs at every create and send: parse it once per PEM.
  let parsed: { pem: string; certificate: X509Certificate } | undefined;
  const parse = (pem: string): X509Certificate => {
    if (parsed?.pem !== pem) parsed = { pem, certificate: o.parsePem(pem) };
    return parsed.certificate;
  };
  return async () => {
    const now = o.clock.now();
    if (now < new Date(o.certificate.validFrom)) throw new InvalidCertificateError(`The business certificate is not valid before ${o.certificate.validFrom}`);
    if (now > new Date(o.certificate.validTo)) throw new InvalidCertificateError(`The business certificate expired ${o.certificate.validTo}`);
    if (!o.compareWithRegistry) return;
    const registered = parse(await o.registryCertificate(o.orgNumber));
    if (normaliseSerial(registered.serialNumber) !== normaliseSerial(o.certificate.serialNumber)) {
      throw new InvalidCertificateError(`The business certificate (serial ${o.certificate.serialNumber}) is not the one registered for ${o.orgNumber} in the Service Registry (serial ${registered.serialNumber})`);
    }
  };
}
