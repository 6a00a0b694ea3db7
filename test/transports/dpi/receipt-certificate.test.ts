import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/clock/index.js';
import { generateSelfSignedKeystore } from '../../../src/crypto/index.js';
import { DpiReceiptRejectedError } from '../../../src/transports/dpi/index.js';
import { checkReceiptCertificate } from '../../../src/transports/dpi/receipt-certificate.js';

// SELF_SIGNED mode: a provider's self-signed end-entity certificate (key usage for signing, not for
// signing certificates) is what test set-ups such as the sandbox's mailbox provider sign receipts with.

const CLOCK = fixedClock('2030-01-15T12:00:00Z');
const SELF_SIGNED = { mode: 'SELF_SIGNED' as const, trustedRoots: [], now: CLOCK.now() };

/** A certificate for `subject` issued and signed by another party. */
function issuedByAnother(): X509Certificate {
  const issuerKeys = forge.pki.rsa.generateKeyPair(1024);
  const subjectKeys = forge.pki.rsa.generateKeyPair(1024);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = subjectKeys.publicKey;
  certificate.serialNumber = '01';
  certificate.validity.notBefore = new Date('2029-01-01T00:00:00Z');
  certificate.validity.notAfter = new Date('2031-01-01T00:00:00Z');
  certificate.setSubject([{ shortName: 'CN', value: 'Provider 984661185' }]);
  certificate.setIssuer([{ shortName: 'CN', value: 'Some CA' }]);
  certificate.sign(issuerKeys.privateKey, forge.md.sha256.create());
  return new X509Certificate(forge.pki.certificateToPem(certificate));
}

describe(checkReceiptCertificate.name, () => {
  it('takes a self-signed end-entity certificate whose key usage does not include certificate signing', async () => {
    const { entry } = await generateSelfSignedKeystore({ orgNumber: '984661185', password: 'secret', clock: CLOCK });
    expect(() => checkReceiptCertificate([entry.certificate], SELF_SIGNED)).not.toThrow();
  });

  it('refuses a certificate that another party issued', () => {
    expect(() => checkReceiptCertificate([issuedByAnother()], SELF_SIGNED)).toThrow(DpiReceiptRejectedError);
  });
});
