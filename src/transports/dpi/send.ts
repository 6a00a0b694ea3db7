import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../clock/index.js';
import { signJws, type AsicDocument, type KeystoreEntry } from '../../crypto/index.js';
import {
  businessMessageOf, expiryOf, hasText, parsePartnerIdentifier, primaryDocumentNameOf, senderOf, type Iso6523Identifier,
} from '../../domain/index.js';
import { randomId } from '../../ids/index.js';
import { PermanentSendError, type OutgoingMessage, type SendContext, type SendResult } from '../port.js';
import { checkSizeLimit, permanentCryptoError } from '../send-rules.js';
import { avsenderOf, digitalBody, utskriftBody, type PrintSettings, type Seal } from './business-message.js';
import type { Corner2Client } from './corner2-client.js';
import { writeDokumentpakke } from './dokumentpakke.js';
import { DpiBusinessMessageInvalidError, DpiCorner2RefusedError } from './errors.js';
import { multipartBody } from '../../http/multipart-body.js';
import { parcelOf, type Parcel } from './parcel.js';
import type { PrintLookup } from './print-lookup.js';
import { digitalRecipient, printRecipient, type DpiRecipient } from './recipient.js';
import type { DpiSchemaValidator } from './schema-validator.js';
import { SDP_MANIFEST, sdpManifestXml } from './sdp-manifest.js';
import type { DpiTokens } from './tokens.js';
import { wireSbd, wrapForCorner2, type DpiMessageType } from './wire-sbd.js';

// One DPI send (transports notes §5.3 Send): the business message is built and checked against its JSON
// Schema first (cheap, and no retry fixes a refusal), then the dokumentpakke is packed into a temp file,
// and the JWS carrying its fingerprint goes to corner 2 with it in one multipart request. A retry after
// the request may have reached corner 2 first asks corner 2 whether it has the message, so a letter is
// not sent twice.

export interface DpiSender {
  corner2: Corner2Client;
  tokens: DpiTokens;
  printLookup: PrintLookup;
  schemas: () => Promise<DpiSchemaValidator>;
  /** Signs the ASiC-E and the JWS (`difi.move.dpi.keystore`). */
  signer: KeystoreEntry;
  clock: Clock;
  /** The mpcId as corner 2 names the channel (dots become underscores, transports notes §9.6). */
  kanal: string;
  language: string;
  printSettings: PrintSettings;
  /** The DPI upload limit (efm.dpi.upload-size-limit), over the sum of the files. */
  maxBytes: number;
  tempDir: string;
}

const STATE_POSTED = 'dpiPosted';
const PLACEHOLDER_SEAL: Seal = { digestValue: '', maskinportentoken: '' };
const NEXTMOVE_TYPES: Readonly<Record<string, DpiMessageType>> = { digital: 'digital', print: 'utskrift' };

type Json = Record<string, unknown>;

export async function sendDpi(sender: DpiSender, outgoing: OutgoingMessage, context: SendContext): Promise<SendResult> {
  try {
    if (context.state[STATE_POSTED] === 'true' && await isKnownToCorner2(sender, outgoing, context)) {
      context.log.info('DPI message already at corner 2; not sent again');
      return { startPolling: true };
    }
    await send(sender, outgoing, context);
    return { startPolling: true };
  } catch (error) {
    throw asPermanent(error) ?? error;
  }
}

async function isKnownToCorner2(sender: DpiSender, outgoing: OutgoingMessage, context: SendContext): Promise<boolean> {
  const statuses = await sender.corner2.statuses(outgoing.message.messageId, await sender.tokens.forReceiving(), context.signal);
  return statuses !== undefined && statuses.length > 0;
}

/** The parts of the letter that do not depend on the dokumentpakke. */
interface Letter {
  type: DpiMessageType;
  parcel: Parcel;
  recipient: DpiRecipient;
  consumerOrg: string;
  build(seal: Seal): Json;
  /** The SDP manifest; made after the schema check, which names more of what is wrong. */
  manifest(): Buffer;
}

async function send(sender: DpiSender, outgoing: OutgoingMessage, context: SendContext): Promise<void> {
  checkSizeLimit(outgoing, 'DPI', sender.maxBytes);
  const letter = await prepare(sender, outgoing, context.signal);
  const problems = (await sender.schemas()).problems(letter.type, wrapForCorner2(letter.build(PLACEHOLDER_SEAL)));
  if (problems.length > 0) {
    const invalid = new DpiBusinessMessageInvalidError(letter.type, problems);
    throw new PermanentSendError(invalid.message, { cause: invalid });
  }
  const path = join(sender.tempDir, `dpi-out-${randomId()}.cms`);
  try {
    const pakke = await writeDokumentpakke({
      documents: documentsOf(outgoing, letter, letter.manifest()), signer: sender.signer, recipient: letter.recipient.certificate,
      clock: sender.clock, path, signal: context.signal,
    });
    const token = await sender.tokens.forSending(letter.consumerOrg);
    const sbd = wrapForCorner2(letter.build({ digestValue: pakke.sha256, maskinportentoken: token }));
    const jws = await signJws(JSON.stringify(sbd), { signer: sender.signer, alg: 'RS256' });
    const body = multipartBody([
      { name: 'forretningsmelding', filename: 'sbd.jwt', contentType: 'application/jwt', content: Buffer.from(jws, 'utf8') },
      { name: 'dokumentpakke', filename: 'asic.cms', contentType: 'application/cms', content: { path: pakke.path, size: pakke.size } },
    ]);
    await context.saveState({ [STATE_POSTED]: 'true' });
    await sender.corner2.send(sender.kanal, body, token, context.signal);
    context.log.debug({ bytes: pakke.size, providerOrgnr: letter.recipient.providerOrgnr }, 'DPI message sent to corner 2');
  } finally {
    await rm(path, { force: true });
  }
}

async function prepare(sender: DpiSender, outgoing: OutgoingMessage, signal: AbortSignal): Promise<Letter> {
  const { message } = outgoing;
  const type = NEXTMOVE_TYPES[message.sbd.standardBusinessDocumentHeader.documentIdentification.type.toLowerCase()];
  if (type === undefined) throw new PermanentSendError('DPI sends only digital and print messages');
  const business = businessMessageOf(message.sbd) ?? {};
  const organisation = sendingOrganisation(message.sbd);
  const recipient = type === 'utskrift' ? await printRecipient(sender.printLookup, signal) : digitalRecipient(outgoing.record);
  const avsender = avsenderOf(`${organisation.icd}:${organisation.partIdentifier ?? organisation.organisationIdentifier}`, business);
  const language = type === 'digital' && hasText(business.spraak) ? business.spraak : sender.language;
  const metadataFiler = type === 'digital' ? objectOf(business.metadataFiler) : {};
  const parcel = parcelOf(outgoing.files, primaryDocumentNameOf(message.sbd), metadataFiler);
  const now = sender.clock.now();
  const expiry = expiryOf(message.sbd);
  const build = (seal: Seal): Json => wireSbd({
    type,
    sender: `${organisation.icd}:${organisation.organisationIdentifier}`,
    providerOrgnr: recipient.providerOrgnr,
    messageId: message.messageId,
    conversationId: message.conversationId,
    ...(expiry ? { expectedResponseDateTime: expiry } : {}),
    now,
    body: type === 'digital'
      ? digitalBody({ digital: business, avsender, recipient, language: sender.language, now, seal })
      : utskriftBody({ print: business, avsender, printSettings: sender.printSettings, seal }),
  });
  const manifest = (): Buffer => sdpManifestXml({
    parcel, avsender, language, ...(type === 'digital' && recipient.postkasseadresse !== undefined ? { postkasseadresse: recipient.postkasseadresse } : {}),
  });
  return { type, parcel, recipient, consumerOrg: organisation.partIdentifier ?? organisation.organisationIdentifier, build, manifest };
}

/** The SBD sender as ISO 6523: `0192:<own>` or `0192:<own>:<on-behalf-of>` (transports notes §4.1). */
function sendingOrganisation(sbd: OutgoingMessage['message']['sbd']): Iso6523Identifier {
  const sender = senderOf(sbd);
  const parsed = sender === undefined ? undefined : parsePartnerIdentifier(sender.value, sender.authority);
  if (parsed?.kind !== 'iso6523') throw new PermanentSendError('a DPI message needs an organisation as its sender');
  return parsed;
}

/** manifest.xml, the primary document, the attachments, then the metadata files (transports notes §4.3). */
function documentsOf(outgoing: OutgoingMessage, letter: Letter, manifest: Buffer): AsicDocument[] {
  const { parcel } = letter;
  const files = [parcel.main.file, ...parcel.attachments.map((a) => a.file), ...parcel.metadataFiles];
  return [
    { ...SDP_MANIFEST, content: manifest },
    ...files.map((file) => ({ name: file.filename, mimetype: file.mimetype, content: () => outgoing.open(file) })),
  ];
}

function objectOf(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/** The failures no retry will fix, as PermanentSendError; undefined for those worth another try. */
function asPermanent(error: unknown): PermanentSendError | undefined {
  if (error instanceof PermanentSendError) return error;
  // 401: the token may have expired on the way; the next try asks for a new one.
  if (error instanceof DpiCorner2RefusedError && error.status !== 401) {
    return new PermanentSendError(error.message, { cause: error, rawReceipt: error.description });
  }
  return permanentCryptoError(error);
}
