import type { X509Certificate } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../clock/index.js';
import { certificateFromPem, type AsicDocument, type KeystoreEntry } from '../../crypto/index.js';
import { primaryDocumentNameOf, receiverOf, senderOf, type StandardBusinessDocument } from '../../domain/index.js';
import { randomId } from '../../ids/index.js';
import type { FileRecord } from '../../store/index.js';
import { BUSINESS_MANIFEST, businessManifestXml } from '../dpo/index.js';
import { PermanentSendError, type OutgoingMessage, type SendContext, type SendResult } from '../port.js';
import { checkSizeLimit, permanentCryptoError } from '../send-rules.js';
import { ServiceBusRefusedError } from './errors.js';
import { writeDpePayload } from './payload-write.js';
import { destinationQueue, type ServiceBusMode } from './queues.js';
import type { ServiceBusClient } from './service-bus-client.js';

// One DPE send (transports notes §5.5 send): pack `{sbd, asic}` into a spool file and post it to the
// receiver's queue. The Service Bus MessageId is drawn once per message and kept in the send state, so
// a resend after a lost answer carries the same id and a queue with duplicate detection drops it.
// MOTTATT and LEVERT status SBDs come here from the engine too; they carry no ASiC.

export interface DpeSender {
  bus: ServiceBusClient;
  ownKey: KeystoreEntry;
  clock: Clock;
  mode: ServiceBusMode;
  receiptQueue?: string;
  maxBytes: number;
  /** Where the body is spooled while it is sent. */
  tempDir: string;
}

/** Refusals of the message itself (malformed, too large); others may be set right while it waits. */
const PERMANENT_REFUSALS = new Set([400, 413]);

export async function sendDpe(sender: DpeSender, outgoing: OutgoingMessage, context: SendContext): Promise<SendResult> {
  try {
    await send(sender, outgoing, context);
    return {};
  } catch (error) {
    throw asPermanent(error) ?? error;
  }
}

async function send(sender: DpeSender, outgoing: OutgoingMessage, context: SendContext): Promise<void> {
  const { message } = outgoing;
  const receiver = message.receiverIdentifier;
  if (receiver === undefined) throw new PermanentSendError('a DPE message needs a receiver organisation');
  checkSizeLimit(outgoing, 'DPE', sender.maxBytes);
  const queue = destinationQueue({ sbd: message.sbd, receiver, record: outgoing.record, mode: sender.mode, receiptQueue: sender.receiptQueue });
  let busMessageId = context.state.serviceBusMessageId;
  if (busMessageId === undefined) {
    busMessageId = randomId();
    await context.saveState({ serviceBusMessageId: busMessageId });
  }
  const spool = join(sender.tempDir, `dpe-out-${randomId()}.json`);
  try {
    const size = await writeDpePayload({
      sbd: message.sbd,
      documents: documentsOf(outgoing, message.sbd),
      signer: sender.ownKey,
      recipient: outgoing.files.length > 0 ? receiverCertificate(outgoing) : undefined,
      clock: sender.clock,
    }, spool, context.signal);
    await sender.bus.send(queue, { path: spool, size }, busMessageId, context.signal);
    context.log.debug({ queue, bytes: size }, 'DPE message sent');
  } finally {
    await rm(spool, { force: true });
  }
}

/** manifest.xml, then the primary document, then the rest in upload order (transports notes §4.2–§4.3). */
function documentsOf(outgoing: OutgoingMessage, sbd: StandardBusinessDocument): AsicDocument[] {
  const ordered = [...outgoing.files].sort((a, b) => a.dokumentnummer - b.dokumentnummer);
  const primary = primaryOf(ordered, primaryDocumentNameOf(sbd));
  if (primary === undefined) return [];
  const receiver = receiverOf(sbd);
  const senderId = senderOf(sbd);
  if (receiver === undefined || senderId === undefined) throw new PermanentSendError('a DPE message needs a sender and a receiver in its SBD');
  const manifest = businessManifestXml({ receiver, sender: senderId, primaryDocument: primary });
  return [
    { ...BUSINESS_MANIFEST, content: manifest },
    ...[primary, ...ordered.filter((f) => f !== primary)].map((file) => ({ name: file.filename, mimetype: file.mimetype, content: () => outgoing.open(file) })),
  ];
}

function primaryOf(files: readonly FileRecord[], primaryName: string | undefined): FileRecord | undefined {
  return files.find((f) => f.primaryDocument) ?? files.find((f) => f.filename === primaryName) ?? files[0];
}

function receiverCertificate(outgoing: OutgoingMessage): X509Certificate {
  const pem = outgoing.record?.pemCertificate;
  if (pem === null || pem === undefined) throw new PermanentSendError('the receiver\'s Service Registry record has no certificate to encrypt to');
  try {
    return certificateFromPem(pem);
  } catch (cause) {
    throw new PermanentSendError('the receiver\'s certificate in the Service Registry cannot be read', { cause });
  }
}

function asPermanent(error: unknown): PermanentSendError | undefined {
  if (error instanceof PermanentSendError) return error;
  if (error instanceof ServiceBusRefusedError && PERMANENT_REFUSALS.has(error.status)) {
    return new PermanentSendError(error.message, { cause: error, rawReceipt: error.description });
  }
  return permanentCryptoError(error);
}
