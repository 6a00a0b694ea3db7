import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { openssl } from './fixtures.js';
import { buildZip, type RawEntry } from './zip-builder.js';

// A CAdES ASiC-E made the way the conformance harness makes one (its own XML, openssl cms -sign with
// SHA-1), independent of our writer; the tweaks make the broken containers the reader must refuse.

const MIME = 'application/vnd.etsi.asic-e+zip';

export interface HarnessDocument { name: string; mimetype: string; data: Buffer }
export interface HarnessSigner { certFile: string; keyFile: string; /** Scratch file for the manifest openssl signs. */ workFile: string }
export interface HarnessTweaks { replace?: Record<string, Buffer>; extra?: RawEntry[]; alterManifestAfterSigning?: boolean }

export function harnessStyleAsic(signer: HarnessSigner, docs: HarnessDocument[], tweak: HarnessTweaks = {}): Buffer {
  const signatureName = 'META-INF/signature-00000000-0000-0000-0000-000000000001.p7s';
  const references = docs.map((d) => `    <DataObjectReference URI="${d.name}" MimeType="${d.mimetype}">
        <ns2:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
        <ns2:DigestValue>${createHash('sha256').update(d.data).digest('base64')}</ns2:DigestValue>
    </DataObjectReference>`).join('\n');
  const manifest = Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ASiCManifest xmlns="http://uri.etsi.org/02918/v1.2.1#" xmlns:ns2="http://www.w3.org/2000/09/xmldsig#">
    <SigReference URI="${signatureName}" MimeType="application/x-pkcs7-signature"/>
${references}
</ASiCManifest>
`);
  writeFileSync(signer.workFile, manifest);
  const signature = openssl(['cms', '-sign', '-binary', '-outform', 'DER', '-md', 'sha1', '-signer', signer.certFile, '-inkey', signer.keyFile, '-in', signer.workFile]);
  const shipped = tweak.alterManifestAfterSigning ? Buffer.from(manifest.toString().replace('standalone="yes"', 'standalone="no"')) : manifest;
  return buildZip([
    { name: 'mimetype', data: Buffer.from(MIME), store: true },
    ...docs.map((d) => ({ name: d.name, data: tweak.replace?.[d.name] ?? d.data })),
    ...(tweak.extra ?? []),
    { name: 'META-INF/ASiCManifest.xml', data: shipped },
    { name: signatureName, data: signature },
  ]);
}
