import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../clock/index.js';
import type { AsicDocument, KeystoreEntry } from '../../crypto/index.js';
import {
  NHN_AUTHORITY, parsePartnerIdentifier, receiverOf, senderOf, typeOf, type NhnIdentifier, type StandardBusinessDocument,
} from '../../domain/index.js';
import { randomId } from '../../ids/index.js';
import { PermanentSendError, type OutgoingMessage, type SendContext, type SendResult } from '../port.js';
import { permanentCryptoError } from '../send-rules.js';
import type { AdapterClient } from './adapter-client.js';
import { writeDokumentpakke } from './dokumentpakke.js';
import { DphAdapterRefusedError, DphUnknownHerIdError } from './errors.js';
import { sealForretningsmelding } from './forretningsmelding.js';
import { multipartBody, type MultipartPart } from '../../http/multipart-body.js';
import { orderedFiles } from './parcel.js';
import type { DphParties } from './parties.js';
import type { DphTokens } from './tokens.js';

// One DPH send (transports notes §5.6 Send): the SBD as a JWS in a JWE to the adapter, and the documents
// as a CMS-encrypted ASiC-E beside it, in one multipart `POST /messages/out`; the adapter answers with the
// NHN message id, kept as externalSystemReference for status polling. What no retry can change (the
// message's own shape, a refusal) is found before anything is sent where it can be. The NHN id is saved
// the moment it is known, so a retry after a crash does not send again; a retry after a request whose
// answer was lost posts the same SBD again, which the adapter takes as the same message (same messageId).

export interface DphSender {
  adapter: AdapterClient;
  tokens: DphTokens;
  parties: DphParties;
  /** Signs the ASiC-E and the JWS. */
  signer: KeystoreEntry;
  clock: Clock;
  maxBytes: number;
  tempDir: string;
}

const STATE_POSTED = 'dphPosted';
const STATE_NHN_ID = 'dphNhnId';
const SENDABLE_TYPES = new Set(['dialogmelding', 'dialogmelding_kvittering']);

export async function sendDph(sender: DphSender, outgoing: OutgoingMessage, context: SendContext): Promise<SendResult> {
  const known = context.state[STATE_NHN_ID];
  if (known !== undefined) {
    context.log.info({ nhnId: known }, 'DPH message already at the nhn-adapter; not sent again');
    return { externalSystemReference: known, startPolling: true };
  }
  try {
    const nhnId = await send(sender, outgoing, context);
    return { externalSystemReference: nhnId, startPolling: true };
  } catch (error) {
    throw asPermanent(error) ?? error;
  }
}

async function send(sender: DphSender, outgoing: OutgoingMessage, context: SendContext): Promise<string> {
  const { sbd } = outgoing.message;
  const type = typeOf(sbd);
  if (type === undefined || !SENDABLE_TYPES.has(type)) throw new PermanentSendError('DPH sends only dialogmelding and dialogmelding_kvittering');
  const from = herIdOf(senderOf(sbd), 'sender');
  const wire = withReceiverHerId(sbd, receiverHerId(outgoing));
  const files = orderedFiles(outgoing, sender.maxBytes);
  const orgnr = await sender.parties.organisationOf(from.id);
  const recipient = await sender.parties.adapterCertificate();
  const path = join(sender.tempDir, `dph-out-${randomId()}.cms`);
  try {
    const parts: MultipartPart[] = [{
      name: 'forretningsmelding', filename: 'sbd.jwe', contentType: 'application/jose',
      content: Buffer.from(await sealForretningsmelding(JSON.stringify(wire), { signer: sender.signer, recipient }), 'utf8'),
    }];
    if (files.length > 0) {
      const documents: AsicDocument[] = files.map((file) => ({ name: file.filename, mimetype: file.mimetype, content: () => outgoing.open(file) }));
      const pakke = await writeDokumentpakke({ documents, signer: sender.signer, recipient, clock: sender.clock, path, signal: context.signal });
      parts.push({ name: 'dokumentpakke', filename: 'asic.zip', contentType: 'application/vnd.etsi.asic-e+zip', content: pakke });
    }
    const token = await sender.tokens.forOrganisation(orgnr);
    await context.saveState({ [STATE_POSTED]: 'true' });
    const nhnId = await sender.adapter.send(multipartBody(parts), token, context.signal);
    await context.saveState({ [STATE_NHN_ID]: nhnId });
    context.log.debug({ nhnId, files: files.length }, 'DPH message handed to the nhn-adapter');
    return nhnId;
  } finally {
    await rm(path, { force: true });
  }
}

function herIdOf(partner: ReturnType<typeof senderOf>, role: 'sender' | 'receiver'): NhnIdentifier {
  const parsed = partner === undefined ? undefined : parsePartnerIdentifier(partner.value, partner.authority);
  if (parsed?.kind !== 'nhn' || parsed.form !== 'her-id') throw new PermanentSendError(`the ${role} of a DPH message must be an ${NHN_AUTHORITY} her-id`);
  return parsed;
}

/**
 * The receiver's HER id. A `fastlege-for:<fnr>` receiver is the patient's regular GP, whom the Service
 * Registry record names by HER id (transports notes §5.6 "Identity"); the adapter takes HER ids only.
 */
function receiverHerId(outgoing: OutgoingMessage): string {
  const receiver = receiverOf(outgoing.message.sbd);
  // The fødselsnummer itself was checked at create, under the synthetic-number setting of the day.
  if (receiver?.authority === NHN_AUTHORITY && receiver.value.startsWith('fastlege-for:')) {
    const herId = outgoing.record?.herId;
    if (herId === undefined || herId === null || !/^[1-9]\d*$/.test(herId)) throw new PermanentSendError('the Service Registry names no HER id for the patient\'s regular GP');
    return herId;
  }
  return herIdOf(receiver, 'receiver').id;
}

function withReceiverHerId(sbd: StandardBusinessDocument, herId: string): StandardBusinessDocument {
  const header = sbd.standardBusinessDocumentHeader;
  const [first, ...rest] = header.receiver ?? [];
  const receiver = { ...first, identifier: { authority: NHN_AUTHORITY, value: `her-id:${herId}` } };
  return { ...sbd, standardBusinessDocumentHeader: { ...header, receiver: [receiver, ...rest] } };
}

/** The failures no retry will fix, as PermanentSendError; undefined for those worth another try. */
function asPermanent(error: unknown): PermanentSendError | undefined {
  if (error instanceof PermanentSendError) return error;
  // 401: the token may have expired on the way; the next try asks for a new one.
  if (error instanceof DphAdapterRefusedError && error.status !== 401) {
    return new PermanentSendError(error.message, { cause: error, rawReceipt: error.description });
  }
  if (error instanceof DphUnknownHerIdError) return new PermanentSendError(error.message, { cause: error });
  return permanentCryptoError(error);
}
