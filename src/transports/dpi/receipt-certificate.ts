import type { X509Certificate } from 'node:crypto';
import { DpiReceiptRejectedError } from './errors.js';

// Whether the x5c certificate of a receipt JWS is trusted (transports notes §6, `difi.move.dpi.certificate.mode`):
// SELF_SIGNED accepts a valid self-signed certificate (test set-ups); TEST and PRODUCTION want a valid
// chain, through the x5c certificates, up to one of the trusted roots. The reference's SEID2 validator
// carries the Buypass and Commfides roots of each environment; here the operator names them
// (`efm.dpi.certificate.trusted-roots`). Without any, only validity is checked, and the caller warns.

export type CertificateMode = 'TEST' | 'PRODUCTION' | 'SELF_SIGNED';

export interface CertificateCheck {
  mode: CertificateMode;
  trustedRoots: readonly X509Certificate[];
  now: Date;
}

const MAX_CHAIN = 8;

export function checkReceiptCertificate(chain: readonly X509Certificate[], check: CertificateCheck): void {
  const leaf = chain[0];
  if (leaf === undefined) throw new DpiReceiptRejectedError('the receipt JWS has no x5c certificate');
  checkValidity(leaf, check.now);
  if (check.mode === 'SELF_SIGNED') {
    // Subject equal to issuer and signed by its own key, as the reference's self-signed rule (transports
    // notes §6). Not checkIssued: OpenSSL also wants keyCertSign there, which an end-entity key lacks.
    if (leaf.subject !== leaf.issuer || !leaf.verify(leaf.publicKey)) throw new DpiReceiptRejectedError(`the receipt certificate ${leaf.subject} is not self-signed`);
    return;
  }
  if (check.trustedRoots.length === 0) return;
  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    if (check.trustedRoots.some((root) => isIssuedBy(current, root))) return;
    const issuer = chain.find((c) => c !== current && isIssuedBy(current, c));
    if (issuer === undefined) break;
    checkValidity(issuer, check.now);
    current = issuer;
  }
  throw new DpiReceiptRejectedError(`the receipt certificate ${leaf.subject} does not chain to a trusted root`);
}

function isIssuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
}

function checkValidity(certificate: X509Certificate, now: Date): void {
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
    throw new DpiReceiptRejectedError(`the receipt certificate ${certificate.subject} is not valid at ${now.toISOString()}`);
  }
}
