import { PermanentSendError } from '../port.js';
import type { Avsender } from './business-message.js';
import type { Parcel, ParcelDocument } from './parcel.js';

// The SDP business manifest `manifest.xml` (namespace http://begrep.difi.no/sdp/schema_v10, transports
// notes §4.3): the mailbox address (digital only), the sender, the primary document and the
// attachments with their titles and metadata files. The reference validates it against
// sdp-manifest.xsd before writing; the limits that XSD sets on what we fill in are checked here.

export const SDP_MANIFEST = { name: 'manifest.xml', mimetype: 'application/xml' } as const;

const LIMITS = { maxAttachments: 200, minHref: 4, maxHref: 100, maxMime: 100, maxAvsenderidentifikator: 100, maxFakturaReferanse: 40 };

export interface SdpManifestInput {
  parcel: Parcel;
  avsender: Avsender;
  /** Digital post only. */
  postkasseadresse?: string;
  /** Language of the titles (`spraak`, or `difi.move.dpi.language`). */
  language: string;
}

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export function sdpManifestXml(input: SdpManifestInput): Buffer {
  const { parcel, avsender } = input;
  if (parcel.attachments.length > LIMITS.maxAttachments) {
    throw new PermanentSendError(`a DPI message holds at most ${LIMITS.maxAttachments} attachments, not ${parcel.attachments.length}`);
  }
  checkLength('avsenderidentifikator', avsender.avsenderidentifikator, 0, LIMITS.maxAvsenderidentifikator);
  checkLength('fakturaReferanse', avsender.fakturaReferanse, 0, LIMITS.maxFakturaReferanse);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<manifest xmlns="http://begrep.difi.no/sdp/schema_v10">'];
  if (input.postkasseadresse !== undefined) {
    lines.push(`  <mottaker><person><postkasseadresse>${escape(input.postkasseadresse)}</postkasseadresse></person></mottaker>`);
  }
  lines.push('  <avsender>');
  const id = avsender.virksomhetsidentifikator;
  lines.push(`    <organisasjon authority="${escape(id.authority)}">${escape(id.value)}</organisasjon>`);
  if (avsender.avsenderidentifikator !== undefined) lines.push(`    <avsenderidentifikator>${escape(avsender.avsenderidentifikator)}</avsenderidentifikator>`);
  if (avsender.fakturaReferanse !== undefined) lines.push(`    <fakturaReferanse>${escape(avsender.fakturaReferanse)}</fakturaReferanse>`);
  lines.push('  </avsender>');
  lines.push(documentXml('hoveddokument', parcel.main, input.language));
  for (const attachment of parcel.attachments) lines.push(documentXml('vedlegg', attachment, input.language));
  lines.push('</manifest>', '');
  return Buffer.from(lines.join('\n'), 'utf8');
}

function documentXml(element: string, document: ParcelDocument, language: string): string {
  const inner = [`    <tittel lang="${escape(language)}">${escape(document.title)}</tittel>`];
  if (document.metadata !== undefined) inner.push(`    <data ${fileAttributes(document.metadata)}/>`);
  return [`  <${element} ${fileAttributes(document.file)}>`, ...inner, `  </${element}>`].join('\n');
}

function fileAttributes(file: { filename: string; mimetype: string }): string {
  checkLength('file name', file.filename, LIMITS.minHref, LIMITS.maxHref);
  checkLength(`MIME type of ${file.filename}`, file.mimetype, 1, LIMITS.maxMime);
  return `href="${escape(file.filename)}" mime="${escape(file.mimetype)}"`;
}

function checkLength(what: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (value.length < min || value.length > max) {
    throw new PermanentSendError(`the DPI manifest needs a ${what} of ${min} to ${max} characters: ${JSON.stringify(value)}`);
  }
}
