import { businessMessageOf, hasText, type StandardBusinessDocument } from '../../domain/index.js';
import type { NotificationChannel } from './correspondence-form.js';

// The notification and due date of one correspondence: the business message's optional `dpv` object
// (api notes §3.6: varselType, varselTransportType, varselTekst, taushetsbelagtVarselTekst,
// dagerTilSvarfrist) where it says something, the configuration otherwise (transports notes §5.2).

export interface NotificationDefaults {
  notifyEmail: boolean;
  notifySms: boolean;
  notificationText: string;
  sensitiveNotificationText: string;
  daysToReply: number;
  enableDueDate: boolean;
}

export interface NotificationChoice {
  channel: NotificationChannel;
  text: string;
  sendReminder: boolean;
  /** Days to the due date; undefined for none. */
  dueInDays?: number;
}

const REPORTER_NAME = '$reporterName$';

export function notificationChoice(
  sbd: StandardBusinessDocument,
  defaults: NotificationDefaults,
  context: { senderName: string; isConfidential: boolean },
): NotificationChoice {
  const dpv = dpvSettingsOf(sbd);
  const ownText = context.isConfidential ? dpv.taushetsbelagtVarselTekst : dpv.varselTekst;
  const text = hasText(ownText) ? ownText : context.isConfidential ? defaults.sensitiveNotificationText : defaults.notificationText;
  return {
    channel: channelOf(dpv.varselTransportType, defaults),
    text: text.replaceAll(REPORTER_NAME, context.senderName),
    sendReminder: normalised(dpv.varselType) !== 'VARSELDPVUTENREVARSEL',
    dueInDays: dueInDaysOf(dpv.dagerTilSvarfrist, defaults),
  };
}

function dpvSettingsOf(sbd: StandardBusinessDocument): Record<string, unknown> {
  const dpv = businessMessageOf(sbd)?.dpv;
  return typeof dpv === 'object' && dpv !== null && !Array.isArray(dpv) ? (dpv as Record<string, unknown>) : {};
}

/** The enum's names and its JSON values both occur (`EPOST_OG_SMS`, `EpostOgSMS`): compared without case and `_`. */
function normalised(value: unknown): string | undefined {
  return typeof value === 'string' ? value.replace(/_/g, '').toUpperCase() : undefined;
}

function channelOf(transportType: unknown, defaults: NotificationDefaults): NotificationChannel {
  switch (normalised(transportType)) {
    case 'EPOST': return 'Email';
    case 'SMS': return 'Sms';
    case 'EPOSTOGSMS': return 'EmailAndSms';
    default: break;
  }
  if (defaults.notifyEmail && !defaults.notifySms) return 'Email';
  if (defaults.notifySms && !defaults.notifyEmail) return 'Sms';
  return 'EmailAndSms';
}

/** The message's own dagerTilSvarfrist wins; a value of 0 or less means no due date. */
function dueInDaysOf(ownDays: unknown, defaults: NotificationDefaults): number | undefined {
  const days = typeof ownDays === 'number' && Number.isInteger(ownDays) ? ownDays : defaults.enableDueDate ? defaults.daysToReply : undefined;
  return days !== undefined && days > 0 ? days : undefined;
}
