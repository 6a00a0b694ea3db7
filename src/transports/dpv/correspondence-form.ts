import { osloOffsetMinutes } from '../../domain/index.js';
import type { FormField } from './multipart-body.js';

// The form fields of `POST /correspondence/upload`: InitializeCorrespondencesExt flattened with dot and
// index notation, absent values left out (transports notes §5.2; nextmove_send_dpv.feature gives the
// full set). Times are those of the reference's OffsetDateTime: Oslo's offset at "now", kept for the
// later instants too, so a due date across the summer-time switch still reads +01:00.

export type NotificationChannel = 'Email' | 'Sms' | 'EmailAndSms';

export interface CorrespondenceForm {
  /** The SBD messageId: idempotentKey and sendersReference. */
  messageId: string;
  resourceId: string;
  /** `0192:<orgnr>` of the sending organisation. */
  sender: string;
  /** The organisation sent for: the on-behalf-of part, else the sender. */
  senderOrgNumber: string;
  senderName: string;
  /** `urn:altinn:organization:identifier-no:…` or `urn:altinn:person:identifier-no:…`. */
  recipient: string;
  title: string;
  summary: string;
  body: string;
  attachments: readonly { fileName: string; displayName?: string }[];
  now: Date;
  /** Days from now to the due date; none when undefined. */
  dueInDays?: number;
  isConfidential: boolean;
  ignoreReservation: boolean;
  notification: {
    channel: NotificationChannel;
    text: string;
    emailSubject: string;
    sendReminder: boolean;
  };
}

const NOTIFICATION_DELAY_MS = 5 * 60_000;
const DAY_MS = 24 * 60 * 60_000;
/** The reference sends this same fixed value for every attachment. */
const ATTACHMENT_SENDERS_REFERENCE = 'AttachmentReference_as123452';

export function correspondenceFields(form: CorrespondenceForm): FormField[] {
  const at = (offsetMs: number) => formatAtOffset(new Date(form.now.getTime() + offsetMs), osloOffsetMinutes(form.now));
  const c = 'correspondence';
  const fields: [string, string | boolean | undefined][] = [
    [`${c}.resourceId`, form.resourceId],
    [`${c}.sender`, form.sender],
    [`${c}.sendersReference`, form.messageId],
    [`${c}.messageSender`, form.senderName],
    [`${c}.content.language`, 'nb'],
    [`${c}.content.messageTitle`, form.title],
    [`${c}.content.messageSummary`, form.summary],
    [`${c}.content.messageBody`, form.body],
    ...form.attachments.flatMap((a, i): [string, string | boolean | undefined][] => [
      [`${c}.content.attachments[${i}].fileName`, a.fileName],
      [`${c}.content.attachments[${i}].displayName`, a.displayName],
      [`${c}.content.attachments[${i}].isEncrypted`, false],
      [`${c}.content.attachments[${i}].sendersReference`, ATTACHMENT_SENDERS_REFERENCE],
    ]),
    [`${c}.requestedPublishTime`, at(0)],
    [`${c}.dueDateTime`, form.dueInDays === undefined ? undefined : at(form.dueInDays * DAY_MS)],
    [`${c}.propertyList.senderOrgNumber`, form.senderOrgNumber],
    ...notificationFields(form, at(NOTIFICATION_DELAY_MS)),
    [`${c}.ignoreReservation`, form.ignoreReservation],
    [`${c}.isConfirmationNeeded`, false],
    [`${c}.isConfidential`, form.isConfidential],
    ['recipients[0]', form.recipient],
    ['idempotentKey', form.messageId],
  ];
  return fields
    .filter((entry): entry is [string, string | boolean] => entry[1] !== undefined)
    .map(([name, value]) => ({ name, value: String(value) }));
}

function notificationFields(form: CorrespondenceForm, requestedSendTime: string): [string, string | boolean][] {
  const n = 'correspondence.notification';
  const { channel, text, emailSubject, sendReminder } = form.notification;
  const main: [string, string | boolean][] = [
    [`${n}.notificationTemplate`, 'CustomMessage'],
    [`${n}.notificationChannel`, channel],
    [`${n}.emailSubject`, emailSubject],
    [`${n}.emailBody`, text],
    [`${n}.emailContentType`, 'Plain'],
    [`${n}.smsBody`, text],
    [`${n}.requestedSendTime`, requestedSendTime],
    [`${n}.sendReminder`, sendReminder],
  ];
  if (!sendReminder) return main;
  return [
    ...main,
    [`${n}.reminderNotificationChannel`, channel],
    [`${n}.reminderEmailSubject`, emailSubject],
    [`${n}.reminderEmailBody`, text],
    [`${n}.reminderEmailContentType`, 'Plain'],
    [`${n}.reminderSmsBody`, text],
  ];
}

/** ISO-8601 with the given offset, milliseconds only when not zero (as Java's OffsetDateTime prints). */
export function formatAtOffset(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const ms = local.getUTCMilliseconds();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}` +
    `${sign}${pad(Math.trunc(abs / 60))}:${pad(abs % 60)}`;
}
