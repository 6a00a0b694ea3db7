import type { X509Certificate } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import type { ServiceRegistryClient } from '../../addressing/index.js';
import { certificateFromPem, createCmsEncryptStream } from '../../crypto/index.js';
import { businessMessageOf, isReceiptType, isUuid, scopeOf, typeOf, type StandardBusinessDocument } from '../../domain/index.js';
import { randomId } from '../../ids/index.js';
import type { FileRecord } from '../../store/index.js';
import { PermanentSendError, type OutgoingMessage, type SendContext, type SendResult } from '../port.js';
import { checkSizeLimit, permanentCryptoError } from '../send-rules.js';
import { readArkivmeldingForSvarUt } from './arkivmelding-read.js';
import type { BasicCredentials, FiksCredentials } from './credentials.js';
import { MissingFiksCredentialsError, SvarUtFaultError, UnsendableForsendelseError } from './errors.js';
import { buildForsendelse, type ForsendelseSettings } from './forsendelse.js';
import type { ForsendelseNotes } from './forsendelse-notes.js';
import type { SvarUtClient } from './svarut-client.js';

// One DPF send (transports notes §5.4): the forsendelse made from arkivmelding.xml, each document it
// names CMS-encrypted to SvarUt's certificate while it streams into the MTOM request. SvarUt guarantees
// delivery, so an accepted forsendelse is SENDT and LEVERT at once (api notes §4.3); LEST comes from
// status polling. The forsendelsesid is stored before the request, so a retry after a lost answer asks
// SvarUt whether it has the forsendelse instead of sending it twice.

export interface DpfSendSettings extends ForsendelseSettings {
  maxBytes: number;
}

export interface DpfSender {
  client: SvarUtClient;
  credentials: FiksCredentials;
  serviceRegistry: Pick<ServiceRegistryClient, 'info'>;
  notes: ForsendelseNotes;
  settings: DpfSendSettings;
}

const ARKIVMELDING_FILE = 'arkivmelding.xml';
/** arkivmelding.xml is read whole; one this large is no arkivmelding. */
const MAX_ARKIVMELDING_BYTES = 16 * 1024 * 1024;
const DELIVERED: SendResult = { statuses: [{ status: 'SENDT' }, { status: 'LEVERT' }], startPolling: true };
const RECEIPT_STATUSES: SendResult = { statuses: [{ status: 'SENDT' }, { status: 'LEVERT' }, { status: 'LEST' }] };

export async function sendDpf(sender: DpfSender, outgoing: OutgoingMessage, context: SendContext): Promise<SendResult> {
  try {
    return await send(sender, outgoing, context);
  } catch (error) {
    throw asPermanent(error) ?? error;
  }
}

async function send(sender: DpfSender, outgoing: OutgoingMessage, context: SendContext): Promise<SendResult> {
  const { message } = outgoing;
  const type = typeOf(message.sbd);
  if (type !== undefined && isReceiptType(type)) {
    context.log.info({ type }, 'receipt to a DPF receiver registered as read, not sent');
    return RECEIPT_STATUSES;
  }
  if (type !== 'arkivmelding') throw new PermanentSendError(`DPF carries only arkivmelding, not ${type ?? 'this document type'}`);
  const receiver = message.receiverIdentifier;
  if (receiver === undefined) throw new PermanentSendError('a DPF message needs a receiver organisation');
  checkSizeLimit(outgoing, 'DPF', sender.settings.maxBytes);
  const user = sender.credentials.forOrganisation(message.senderIdentifier);
  if (user === undefined) throw new MissingFiksCredentialsError('SvarUt', message.senderIdentifier);
  const recipient = svarUtCertificate(outgoing);
  const forsendelsesid = uuidScope(message.sbd, 'SenderRef') ?? message.messageId;

  const earlier = context.state.forsendelsesid;
  if (earlier !== undefined && (await isAtSvarUt(sender, user, message.messageId, context))) {
    context.log.info({ forsendelsesid: earlier }, 'SvarUt has the forsendelse of an earlier try');
    await sender.notes.note(message.messageId, earlier);
    return DELIVERED;
  }

  const arkivmelding = readArkivmeldingForSvarUt(await readArkivmelding(outgoing));
  const dpf = businessMessageOf(message.sbd);
  const byName = new Map(outgoing.files.map((f) => [f.filename, f]));
  const forsendelse = await buildForsendelse({
    arkivmelding,
    messageId: message.messageId,
    senderOrgnr: message.senderIdentifier,
    receiverOrgnr: receiver,
    forsendelseType: forsendelseTypeOf(dpf),
    svarPaForsendelse: uuidScope(message.sbd, 'ReceiverRef'),
    sikkerhetsnivaa: Number(dpf?.sikkerhetsnivaa),
    files: byName,
    receiverInfo: await sender.serviceRegistry.info(receiver),
    senderInfo: () => sender.serviceRegistry.info(message.senderIdentifier),
    settings: sender.settings,
  });
  const documents = forsendelse.dokumenter.map((d) => {
    const file = byName.get(d.filnavn);
    if (file === undefined) throw new UnsendableForsendelseError(`File '${d.filnavn}' referenced in '${message.messageId}' not found`);
    return { filnavn: d.filnavn, contentId: `${randomId()}@efm`, open: () => encrypted(outgoing, file, recipient) };
  });

  await context.saveState({ forsendelsesid });
  try {
    await sender.client.sendForsendelseMedId(user, forsendelsesid, forsendelse, documents, context.signal);
  } catch (error) {
    // A duplicate after a try whose answer was lost is that try's forsendelse.
    if (!(earlier !== undefined && error instanceof SvarUtFaultError && error.faultText.includes('Duplikat'))) throw error;
    context.log.info({ forsendelsesid }, 'SvarUt already had the forsendelse of an earlier try');
  }
  await sender.notes.note(message.messageId, forsendelsesid);
  context.log.debug({ forsendelsesid, documents: documents.length }, 'DPF forsendelse sent to SvarUt');
  return DELIVERED;
}

async function isAtSvarUt(sender: DpfSender, user: BasicCredentials, messageId: string, context: SendContext): Promise<boolean> {
  return (await sender.client.retrieveForsendelseIdByEksternRef(user, messageId, context.signal)).length > 0;
}

/** The plain file CMS-encrypted to SvarUt, as it is read; an error on either side ends the stream with it. */
function encrypted(outgoing: OutgoingMessage, file: FileRecord, recipient: X509Certificate): Readable {
  return pipeline(outgoing.open(file), createCmsEncryptStream({ recipient }), () => undefined);
}

async function readArkivmelding(outgoing: OutgoingMessage): Promise<string> {
  const file = outgoing.files.find((f) => f.filename === ARKIVMELDING_FILE);
  if (file === undefined) throw new UnsendableForsendelseError(`No attachement "${ARKIVMELDING_FILE}" found`);
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of outgoing.open(file)) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_ARKIVMELDING_BYTES) throw new UnsendableForsendelseError(`${ARKIVMELDING_FILE} is larger than ${MAX_ARKIVMELDING_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The scope's instanceIdentifier when it is a UUID (the reference ignores any other value). */
function uuidScope(sbd: StandardBusinessDocument, type: 'SenderRef' | 'ReceiverRef'): string | undefined {
  const id = scopeOf(sbd, type)?.instanceIdentifier;
  return id !== undefined && isUuid(id) ? id : undefined;
}

function forsendelseTypeOf(message: Record<string, unknown> | undefined): string | undefined {
  const dpf = message?.dpf;
  const type = typeof dpf === 'object' && dpf !== null ? (dpf as Record<string, unknown>).forsendelseType : undefined;
  return typeof type === 'string' && type !== '' ? type : undefined;
}

/** SvarUt's certificate: the receiver's DPF record in the Service Registry carries it. */
function svarUtCertificate(outgoing: OutgoingMessage): X509Certificate {
  const pem = outgoing.record?.pemCertificate;
  if (pem === null || pem === undefined) throw new PermanentSendError('the receiver\'s DPF record in the Service Registry has no certificate to encrypt to');
  try {
    return certificateFromPem(pem);
  } catch (cause) {
    throw new PermanentSendError('the receiver\'s DPF certificate in the Service Registry cannot be read', { cause });
  }
}

/** The failures no retry will fix, as PermanentSendError; undefined for those worth another try. */
function asPermanent(error: unknown): PermanentSendError | undefined {
  if (error instanceof PermanentSendError) return error;
  if (error instanceof MissingFiksCredentialsError || error instanceof UnsendableForsendelseError) {
    return new PermanentSendError(error.message, { cause: error });
  }
  if (error instanceof SvarUtFaultError && error.isFinal) return new PermanentSendError(error.message, { cause: error, rawReceipt: error.faultText });
  return permanentCryptoError(error);
}
