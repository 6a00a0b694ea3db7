import type { ServiceRegistryClient } from '../../addressing/index.js';
import type { Clock } from '../../clock/index.js';
import { hasText, isReceiptType, parsePartnerIdentifier, PROCESSES, typeOf, UnmarshalArkivmeldingError } from '../../domain/index.js';
import type { MessageRecord } from '../../store/index.js';
import { PermanentSendError, type OutgoingMessage, type SendContext, type SendResult } from '../port.js';
import { checkSizeLimit } from '../send-rules.js';
import type { CorrespondenceClient } from './correspondence-client.js';
import { correspondenceFields } from './correspondence-form.js';
import { CorrespondenceRefusedError } from './errors.js';
import { contentOf } from './message-content.js';
import { multipartBody } from './multipart-body.js';
import { notificationChoice, type NotificationDefaults } from './notification-settings.js';

// One DPV send (transports notes §5.2): one multipart upload that creates the correspondence and its
// attachments. Its idempotentKey is the messageId, so a retry after a lost answer gets 409 and the
// correspondence made the first time is looked up by sendersReference instead of a second one made.
// Receipts to a DPV receiver are not sent at all (api notes §4.3).

export interface DpvSendSettings extends NotificationDefaults {
  emailSubject: string;
  sensitiveResource: string;
  maxBytes: number;
}

export interface DpvSender {
  client: CorrespondenceClient;
  serviceRegistry: Pick<ServiceRegistryClient, 'info'>;
  clock: Clock;
  settings: DpvSendSettings;
}

const RECEIPT_STATUSES = [{ status: 'SENDT' }, { status: 'LEVERT' }, { status: 'LEST' }] as const;
const PERSON_NUMBER_LENGTH = 11;

export async function sendDpv(sender: DpvSender, outgoing: OutgoingMessage, context: SendContext): Promise<SendResult> {
  try {
    return await send(sender, outgoing, context);
  } catch (error) {
    throw asPermanent(error) ?? error;
  }
}

async function send(sender: DpvSender, outgoing: OutgoingMessage, context: SendContext): Promise<SendResult> {
  const { message } = outgoing;
  const type = typeOf(message.sbd);
  if (type !== undefined && isReceiptType(type)) {
    context.log.info({ type }, 'receipt to a DPV receiver registered as read, not sent');
    return { statuses: RECEIPT_STATUSES };
  }
  const receiver = message.receiverIdentifier;
  if (receiver === undefined) throw new PermanentSendError('a DPV message needs a receiver');
  const resourceId = outgoing.record?.service.resource;
  if (!hasText(resourceId)) throw new PermanentSendError('the receiver\'s Service Registry record names no Altinn resource for DPV');
  checkSizeLimit(outgoing, 'DPV', sender.settings.maxBytes);
  const content = await contentOf(outgoing);
  const parties = sendingParties(message);
  const senderName = await nameOf(sender, parties.senderOrgNumber);
  const isConfidential = resourceId === sender.settings.sensitiveResource;
  const choice = notificationChoice(message.sbd, sender.settings, { senderName, isConfidential });
  const fields = correspondenceFields({
    messageId: message.messageId,
    resourceId,
    ...parties,
    senderName,
    recipient: receiver.length === PERSON_NUMBER_LENGTH ? `urn:altinn:person:identifier-no:${receiver}` : `urn:altinn:organization:identifier-no:${receiver}`,
    title: content.title,
    summary: content.summary,
    body: content.body,
    attachments: content.attachments.map((f) => ({ fileName: f.filename, displayName: f.title })),
    now: sender.clock.now(),
    dueInDays: choice.dueInDays,
    isConfidential,
    ignoreReservation: type === 'digital_dpv' && message.processIdentifier === PROCESSES.digitalpostInfo,
    notification: { channel: choice.channel, text: choice.text, emailSubject: sender.settings.emailSubject, sendReminder: choice.sendReminder },
  });
  const files = content.attachments.map((f) => ({ name: 'attachments', filename: f.filename, size: f.size, open: () => outgoing.open(f) }));
  const outcome = await sender.client.upload(multipartBody(fields, files), context.signal);
  if (outcome.kind === 'created') return { externalSystemReference: outcome.correspondenceId, startPolling: true };
  return alreadyCreated(sender, message.messageId, context);
}

/** After a 409: the correspondence of an earlier try, found by its sendersReference (the messageId). */
async function alreadyCreated(sender: DpvSender, messageId: string, context: SendContext): Promise<SendResult> {
  let correspondenceId: string | undefined;
  try {
    correspondenceId = await sender.client.findBySendersReference(messageId, context.signal);
  } catch (error) {
    if (!(error instanceof CorrespondenceRefusedError)) throw error;
    context.log.warn({ err: error }, 'DPV correspondence already exists but cannot be looked up; sent without status polling');
    return {};
  }
  if (correspondenceId === undefined) {
    context.log.warn('DPV correspondence already exists but was not found by sendersReference; sent without status polling');
    return {};
  }
  context.log.info({ correspondenceId }, 'DPV correspondence made by an earlier try');
  return { externalSystemReference: correspondenceId, startPolling: true };
}

/** `0192:<orgnr>` of the sending organisation, and the organisation it sends for (transports notes §5.2). */
function sendingParties(message: MessageRecord): { sender: string; senderOrgNumber: string } {
  const value = message.sbd.standardBusinessDocumentHeader.sender?.[0]?.identifier;
  const parsed = value === undefined ? undefined : parsePartnerIdentifier(value.value, value.authority);
  if (parsed?.kind !== 'iso6523') return { sender: `0192:${message.senderIdentifier}`, senderOrgNumber: message.senderIdentifier };
  return { sender: `${parsed.icd}:${parsed.organisationIdentifier}`, senderOrgNumber: parsed.partIdentifier ?? parsed.organisationIdentifier };
}

async function nameOf(sender: DpvSender, orgnr: string): Promise<string> {
  const info = await sender.serviceRegistry.info(orgnr);
  return hasText(info.organizationName) ? info.organizationName : orgnr;
}

/** The failures no retry will fix (§5.2: a 4xx other than 409; 401 only asks for a new token). */
function asPermanent(error: unknown): PermanentSendError | undefined {
  if (error instanceof PermanentSendError) return error;
  if (error instanceof CorrespondenceRefusedError && error.status !== 401) {
    return new PermanentSendError(error.message, { cause: error, rawReceipt: error.description });
  }
  if (error instanceof UnmarshalArkivmeldingError) return new PermanentSendError(error.message, { cause: error });
  return undefined;
}
