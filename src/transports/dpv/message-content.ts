import type { Readable } from 'node:stream';
import { businessMessageOf, hasText, parseArkivmelding, typeOf, type StandardBusinessDocument } from '../../domain/index.js';
import type { FileRecord } from '../../store/index.js';
import { PermanentSendError, type OutgoingMessage } from '../port.js';

// What a DPV correspondence shows and carries (transports notes §5.2): for an arkivmelding the title is
// the journalpost's offentligTittel (else its tittel), the summary the same and the body its tittel, and
// only the files the arkivmelding refers to go along (arkivmelding.xml itself stays home); a digital_dpv
// message brings tittel, sammendrag and innhold itself and sends every file. Files go in upload order.

export interface DpvContent {
  title: string;
  summary: string;
  body: string;
  attachments: FileRecord[];
}

const ARKIVMELDING_FILE = 'arkivmelding.xml';
/** arkivmelding.xml is read into memory to be parsed; a real one is a few kilobytes. */
const MAX_ARKIVMELDING_BYTES = 10 * 1024 * 1024;
const NO_CONTENT = 'Ingen innhold';

export async function contentOf(outgoing: OutgoingMessage): Promise<DpvContent> {
  const { sbd } = outgoing.message;
  const inOrder = [...outgoing.files].sort((a, b) => a.dokumentnummer - b.dokumentnummer);
  switch (typeOf(sbd)) {
    case 'arkivmelding':
      return arkivmeldingContent(outgoing, inOrder);
    case 'digital_dpv':
      return digitalDpvContent(sbd, inOrder);
    default:
      throw new PermanentSendError(`DPV carries arkivmelding and digital_dpv messages, not ${sbd.standardBusinessDocumentHeader.documentIdentification.type}`);
  }
}

async function arkivmeldingContent(outgoing: OutgoingMessage, files: FileRecord[]): Promise<DpvContent> {
  const xmlFile = files.find((f) => f.filename === ARKIVMELDING_FILE);
  if (xmlFile === undefined) throw new PermanentSendError('a DPV arkivmelding needs arkivmelding.xml');
  const summary = parseArkivmelding(await readText(outgoing.open(xmlFile), MAX_ARKIVMELDING_BYTES));
  const title = summary.messageTitle ?? summary.journalpostTittel;
  if (title === undefined) throw new PermanentSendError('the arkivmelding\'s journalpost has neither offentligTittel nor tittel, which DPV needs as the title');
  const referenced = new Set(summary.referencedFiles);
  return {
    title,
    summary: title,
    body: summary.journalpostTittel ?? title,
    attachments: files.filter((f) => f.filename !== ARKIVMELDING_FILE && referenced.has(f.filename)),
  };
}

function digitalDpvContent(sbd: StandardBusinessDocument, files: FileRecord[]): DpvContent {
  const business = businessMessageOf(sbd) ?? {};
  const { tittel, sammendrag, innhold } = business;
  if (!hasText(tittel) || !hasText(sammendrag)) throw new PermanentSendError('a digital_dpv message needs tittel and sammendrag');
  return { title: tittel, summary: sammendrag, body: hasText(innhold) ? innhold : NO_CONTENT, attachments: files };
}

async function readText(stream: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      bytes += buffer.length;
      if (bytes > maxBytes) throw new PermanentSendError(`arkivmelding.xml is larger than ${maxBytes} bytes`);
      chunks.push(buffer);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}
