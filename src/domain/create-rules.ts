// The pure create-time checks of api notes §5.2, in the reference's order. The checks that need the
// store or a remote (duplicate messageId, certificate, Service Registry, SvarUt's forsendelsestyper
// list) are the caller's; it passes their results in.
import { documentTypeFits, expectedMessageTypes, toMessageType } from './catalogue.js';
import {
  normaliseOnBehalfOf, parsePartnerIdentifier, recordedSenderIdentifier,
  type IdentifierOptions, type PartnerIdentifier,
} from './identifiers.js';
import { NHN_AUTHORITY, type StandardBusinessDocument } from './sbd.js';
import { businessMessageOf, messageChannelOf, receiverOf, senderOf, standardOf } from './sbd-access.js';
import { expectedResponseDateTimeProblem } from './sbd-parse.js';
import type { ServiceIdentifier } from './statuses.js';
import {
  ForsendelseTypeNotFoundError, InvalidSbdError, MessageChannelInvalidError, MessageTypeDoesNotFitDocumentTypeError,
  MissingAddressInformationError, MissingSvarUtCredentialsError, ReceiverError, SenderError, ServiceNotEnabledError,
  UnknownMessageTypeError,
} from './validation-errors.js';

export interface CreateRulesContext extends IdentifierOptions {
  ownOrgNumber: string;
  /** The service the Service Registry lookup resolved (UNKNOWN when none). */
  serviceIdentifier: ServiceIdentifier;
  enabledServices: readonly ServiceIdentifier[];
  now: Date;
  /** `difi.move.dpo.message-channel`. */
  messageChannel?: string;
  /** `difi.move.dph.her-ids`: the HER ids this integration point may send from. */
  dphHerIds?: readonly string[];
  /** Present when a SvarUt client is configured: whether SvarUt credentials exist for an orgnr. */
  svarUt?: { hasCredentials(orgNumber: string): boolean };
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const isNullOrEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** Guava's `isNullOrEmpty` and the reference's country test, quirks included: an empty `land` is foreign. */
function isNorwegian(address: Json): boolean {
  const land = address.land;
  if (land === undefined || land === null) return true;
  return typeof land === 'string' && ['norge', 'norway'].includes(land.toLowerCase());
}

function hasAddress(address: Json): boolean {
  if (isNullOrEmpty(address.adresselinje1)) return false;
  return !isNorwegian(address) || (!isNullOrEmpty(address.postnummer) && !isNullOrEmpty(address.poststed));
}

/** `print` without a full address (after the Service Registry defaults were applied) → 400 (§5.2 step 9). */
export function checkPrintAddresses(sbd: StandardBusinessDocument): void {
  const print = businessMessageOf(sbd) ?? {};
  const mottaker = asObject(print.mottaker);
  if (!mottaker) throw new MissingAddressInformationError('mottaker');
  if (!hasAddress(mottaker)) throw new MissingAddressInformationError('mottaker.postnummer/poststed/adresselinje1');
  const retur = asObject(print.retur);
  if (!retur) throw new MissingAddressInformationError('retur');
  const returMottaker = asObject(retur.mottaker);
  if (!returMottaker) throw new MissingAddressInformationError('retur.mottaker');
  if (!hasAddress(returMottaker)) throw new MissingAddressInformationError('retur.postnummer/poststed/adresselinje1');
}

function parsedSender(sbd: StandardBusinessDocument, ctx: CreateRulesContext): PartnerIdentifier | undefined {
  const sender = senderOf(sbd);
  return sender ? parsePartnerIdentifier(sender.value, sender.authority, { allowSynthetic: ctx.allowSynthetic }) : undefined;
}

/** The organisation SvarUt credentials are looked up for: the on-behalf-of org, else the own one. */
function dpfSenderOrg(sbd: StandardBusinessDocument, ctx: CreateRulesContext): string {
  const sender = parsedSender(sbd, ctx);
  return sender ? recordedSenderIdentifier(normaliseOnBehalfOf(sender, ctx.ownOrgNumber).identifier) : ctx.ownOrgNumber;
}

function checkDph(sbd: StandardBusinessDocument, ctx: CreateRulesContext): void {
  const sender = parsedSender(sbd, ctx);
  if (sender?.kind !== 'nhn') throw new SenderError(`Sender have to be a ${NHN_AUTHORITY} for DPH messages!`);
  if (sender.form !== 'her-id' || !(ctx.dphHerIds ?? []).includes(sender.id)) {
    throw new SenderError('Sender have to be one of the her-ids listed in the difi.move.dph.her-ids property!');
  }
  const receiver = receiverOf(sbd);
  const parsed = receiver && parsePartnerIdentifier(receiver.value, receiver.authority, { allowSynthetic: ctx.allowSynthetic });
  if (parsed?.kind !== 'nhn') throw new ReceiverError(`Receiver have to be a ${NHN_AUTHORITY} for DPH messages!`);
}

/**
 * Sender = own organisation unless on behalf of another. Since `0192:<other>` is rewritten to the
 * on-behalf form and a missing sender defaults to the own org, what can still be wrong is: a person or
 * a FIKS IO account as sender, an NHN sender outside DPH, or a part form whose main organisation is not
 * ours (`0192:<other>:<x>`: another organisation's on-behalf-of, which this integration point cannot
 * sign for). An old ICD that names our orgnr (`9908:<own>`) is ours.
 */
export function checkSenderIsOwnOrganisation(sbd: StandardBusinessDocument, ctx: CreateRulesContext): void {
  const sender = parsedSender(sbd, ctx);
  if (!sender) return;
  const own = ctx.ownOrgNumber;
  const hint = `the sender must be this organisation (0192:${own}) or 0192:${own}:<orgnr> on behalf of another`;
  if (sender.kind === 'person') throw new SenderError(`A person cannot be the sender: ${hint}`);
  if (sender.kind === 'fiksio') throw new SenderError(`A FIKS IO account cannot be the sender: ${hint}`);
  if (sender.kind === 'nhn') throw new SenderError(`A ${NHN_AUTHORITY} sender is only for DPH messages: ${hint}`);
  const normalised = normaliseOnBehalfOf(sender, own).identifier;
  if (normalised.kind === 'iso6523' && normalised.organisationIdentifier !== own) {
    throw new SenderError(`Sender ${sender.value} is another organisation's on-behalf-of: ${hint}`);
  }
}

/** `arkivmelding.dpf.forsendelseType`, when set, must be one of the sender's SvarUt forsendelsestyper. */
export function checkForsendelseType(sbd: StandardBusinessDocument, validTypes: readonly string[]): void {
  const type = asObject(businessMessageOf(sbd)?.dpf)?.forsendelseType;
  if (typeof type === 'string' && type !== '' && !validTypes.includes(type)) throw new ForsendelseTypeNotFoundError(type, validTypes);
}

/**
 * Runs the pure create checks and throws the first failure. Call it after the defaults (and the print
 * address defaults) were applied, as the reference does.
 */
export function validateForCreate(sbd: StandardBusinessDocument, ctx: CreateRulesContext): void {
  const di = sbd.standardBusinessDocumentHeader.documentIdentification;
  const type = toMessageType(di.type);
  if (type === undefined) throw new UnknownMessageTypeError(di.type, expectedMessageTypes());
  const future = expectedResponseDateTimeProblem(sbd, ctx.now);
  if (future) throw new InvalidSbdError([future]);
  const service = ctx.serviceIdentifier;
  if (service === 'UNKNOWN' || !ctx.enabledServices.includes(service)) throw new ServiceNotEnabledError(service);
  if (type === 'print') checkPrintAddresses(sbd);
  if (!documentTypeFits(di.type, standardOf(sbd))) throw new MessageTypeDoesNotFitDocumentTypeError(di.type, standardOf(sbd));
  const channel = messageChannelOf(sbd);
  if (service === 'DPO' && ctx.messageChannel && channel !== undefined && channel !== ctx.messageChannel) {
    throw new MessageChannelInvalidError(ctx.messageChannel, channel);
  }
  if (service === 'DPF' && ctx.svarUt) {
    const org = dpfSenderOrg(sbd, ctx);
    if (!ctx.svarUt.hasCredentials(org)) throw new MissingSvarUtCredentialsError(org);
  }
  if (service === 'DPH') checkDph(sbd, ctx);
  else checkSenderIsOwnOrganisation(sbd, ctx);
}
