import type { PartnerIdentification } from '../../domain/index.js';

// The NextMove business manifest, `manifest.xml`, first in the ASiC-E of DPO and DPE (transports notes
// §4.3): no namespace, pretty-printed with three spaces as the reference's JAXB writes it, receiver and
// sender as in the SBD, and the primary document with its MIME type and the fixed title.

export interface BusinessManifestInput {
  receiver: PartnerIdentification;
  sender: PartnerIdentification;
  primaryDocument: { filename: string; mimetype: string };
}

export const BUSINESS_MANIFEST = { name: 'manifest.xml', mimetype: 'application/xml' } as const;

export function businessManifestXml(input: BusinessManifestInput): Buffer {
  const organisation = (party: PartnerIdentification) =>
    `<organisasjon authority="${escape(party.authority)}">${escape(party.value)}</organisasjon>`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<manifest>',
    '   <mottaker>',
    `      ${organisation(input.receiver)}`,
    '   </mottaker>',
    '   <avsender>',
    `      ${organisation(input.sender)}`,
    '   </avsender>',
    `   <hoveddokument href="${escape(input.primaryDocument.filename)}" mime="${escape(input.primaryDocument.mimetype)}">`,
    '      <tittel lang="no">Hoveddokument</tittel>',
    '   </hoveddokument>',
    '</manifest>',
    '',
  ];
  return Buffer.from(lines.join('\n'), 'utf8');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
