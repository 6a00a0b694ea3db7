import type { X509Certificate } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../clock/index.js';
import { certificateFromPem, type AsicDocument, type KeystoreEntry } from '../../crypto/index.js';
import { parsePartnerIdentifier, primaryDocumentNameOf, receiverOf, senderOf, type StandardBusinessDocument } from '../../domain/index.js';
import { randomId, type IdGenerator } from '../../ids/index.js';
import type { FileRecord } from '../../store/index.js';
import { PermanentSendError, type OutgoingMessage, type SendContext, type SendResult } from '../port.js';
import { checkSizeLimit, permanentCryptoError } from '../send-rules.js';
import type { BrokerClient } from './broker-client.js';
import { BUSINESS_MANIFEST, businessManifestXml } from './business-manifest.js';
import { AltinnBrokerRefusedError, NoSystemUserError } from './errors.js';
import { sendersFileTransferReference } from './message-channel.js';
import { writeSbdZip } from './sbd-zip-write.js';
import type { SystemUser, SystemUsers } from './system-users.js';

// One DPO send (transports notes §5.1 send): pack `sbd.zip` into a temp file, initialize a file transfer,
// store its id, upload. The id is stored before the upload (SendContext.saveState), so a retry after a
// crash asks the broker how far that transfer got instead of sending the message a second time.

export interface DpoSender {
  broker: BrokerClient;
  systemUsers: SystemUsers;
  ownKey: KeystoreEntry;
  ids: IdGenerator;
  clock: Clock;
  messageChannel: string | undefined;
  /** The DPO upload limit (efm.dpo.upload-size-limit), over the sum of the files. */
  maxBytes: number;
  /** Where `sbd.zip` is spooled while it is uploaded. */
  tempDir: string;
}

/** Transfer states in which the broker has the whole file: the message was sent. */
const UPLOADED = new Set(['UploadProcessing', 'Published', 'AllConfirmedDownloaded', 'Purged']);
/** A refusal that a retry can get past: a new token (401), or a new file transfer (404, 409). */
const RETRYABLE_REFUSALS = new Set([401, 404, 409]);

export async function sendDpo(sender: DpoSender, message: OutgoingMessage, context: SendContext): Promise<SendResult> {
  try {
    await send(sender, message, context);
    return {};
  } catch (error) {
    throw asPermanent(error) ?? error;
  }
}

async function send(sender: DpoSender, outgoing: OutgoingMessage, context: SendContext): Promise<void> {
  const { message } = outgoing;
  const receiver = message.receiverIdentifier;
  if (receiver === undefined) throw new PermanentSendError('a DPO message needs a receiver organisation');
  checkSizeLimit(outgoing, 'DPO', sender.maxBytes);
  const user = sender.systemUsers.forOrganisation(message.senderIdentifier);
  let fileTransferId = await reusableTransfer(sender, user, context);
  if (fileTransferId === null) {
    context.log.info({ fileTransferId: context.state.fileTransferId }, 'DPO file transfer already uploaded');
    return;
  }
  const spool = join(sender.tempDir, `dpo-out-${randomId()}.zip`);
  const sbd = wireSbd(message.sbd);
  try {
    const size = await writeSbdZip({
      sbd,
      documents: documentsOf(outgoing, sbd),
      signer: sender.ownKey,
      recipient: outgoing.files.length > 0 ? receiverCertificate(outgoing) : undefined,
      clock: sender.clock,
    }, spool, context.signal);
    if (fileTransferId === undefined) {
      const reference = context.state.sendersFileTransferReference ?? sendersFileTransferReference(message.sbd, sender.messageChannel, sender.ids);
      fileTransferId = await sender.broker.initialize(user, {
        sendersFileTransferReference: reference,
        sender: `0192:${message.senderIdentifier}`,
        recipients: [`0192:${receiver}`],
      }, context.signal);
      await context.saveState({ fileTransferId, sendersFileTransferReference: reference });
    }
    await sender.broker.upload(user, fileTransferId, { path: spool, size }, context.signal);
    context.log.debug({ fileTransferId, bytes: size }, 'DPO file transfer uploaded');
  } finally {
    await rm(spool, { force: true });
  }
}

/**
 * For a retry with a stored transfer: null when the broker already has the file, its id when it still
 * waits for the upload, undefined when a new transfer is needed (it failed, broke off or is unknown).
 */
async function reusableTransfer(sender: DpoSender, user: SystemUser, context: SendContext): Promise<string | null | undefined> {
  const saved = context.state.fileTransferId;
  if (saved === undefined) return undefined;
  const overview = await sender.broker.overview(user, saved, context.signal, 'altinn:broker.write');
  const status = overview?.fileTransferStatus;
  if (status !== undefined && UPLOADED.has(status)) return null;
  if (status === 'Initialized') return saved;
  context.log.info({ fileTransferId: saved, fileTransferStatus: status ?? 'unknown' }, 'DPO file transfer not usable; starting a new one');
  return undefined;
}

/** DPO sends on behalf of a part as that part: `0192:<own>:<part>` becomes `0192:<part>` (transports notes §4.1). */
function wireSbd(sbd: StandardBusinessDocument): StandardBusinessDocument {
  const header = sbd.standardBusinessDocumentHeader;
  const sender = header.sender?.[0];
  const parsed = sender === undefined ? undefined : parsePartnerIdentifier(sender.identifier.value, sender.identifier.authority);
  if (sender === undefined || parsed?.kind !== 'iso6523' || parsed.partIdentifier === undefined) return sbd;
  const identifier = { ...sender.identifier, value: `${parsed.icd}:${parsed.partIdentifier}` };
  return { ...sbd, standardBusinessDocumentHeader: { ...header, sender: [{ ...sender, identifier }, ...(header.sender ?? []).slice(1)] } };
}

/** manifest.xml, then the primary document, then the rest in upload order (transports notes §4.2–§4.3). */
function documentsOf(outgoing: OutgoingMessage, sbd: StandardBusinessDocument): AsicDocument[] {
  if (outgoing.files.length === 0) return [];
  const ordered = primaryFirst(outgoing.files, primaryDocumentNameOf(sbd));
  const [primary] = ordered;
  const receiver = receiverOf(sbd);
  const senderId = senderOf(sbd);
  if (primary === undefined || receiver === undefined || senderId === undefined) throw new PermanentSendError('a DPO message needs a sender and a receiver in its SBD');
  const manifest = businessManifestXml({ receiver, sender: senderId, primaryDocument: primary });
  return [
    { ...BUSINESS_MANIFEST, content: manifest },
    ...ordered.map((file) => ({ name: file.filename, mimetype: file.mimetype, content: () => outgoing.open(file) })),
  ];
}

function primaryFirst(files: readonly FileRecord[], primaryName: string | undefined): FileRecord[] {
  const primary = files.find((f) => f.primaryDocument) ?? files.find((f) => f.filename === primaryName) ?? files[0];
  return primary === undefined ? [] : [primary, ...files.filter((f) => f !== primary)];
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

/** The failures no retry will fix, as PermanentSendError; undefined for those worth another try. */
function asPermanent(error: unknown): PermanentSendError | undefined {
  if (error instanceof PermanentSendError) return error;
  if (error instanceof NoSystemUserError) return new PermanentSendError(error.message, { cause: error });
  if (error instanceof AltinnBrokerRefusedError && !RETRYABLE_REFUSALS.has(error.status)) {
    return new PermanentSendError(error.message, { cause: error, rawReceipt: error.description });
  }
  return permanentCryptoError(error);
}
