import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../clock/index.js';
import type { KeystoreEntry } from '../../crypto/index.js';
import {
  conversationIdOf, messageIdOf, parseStandardBusinessDocument, processOf, standardOf, typeOf, UnknownMessageTypeError,
  type StandardBusinessDocument,
} from '../../domain/index.js';
import { randomId, type IdGenerator } from '../../ids/index.js';
import type { Logger } from '../../logging/index.js';
import type { IncomingMessage, IncomingSink } from '../port.js';
import type { AdapterClient, AdapterIncoming } from './adapter-client.js';
import { applicationReceiptSbd } from './application-receipt.js';
import { DphAdapterRefusedError, DphIncomingRejectedError, DphUnknownHerIdError, REJECTION_CODES, type RejectionCode } from './errors.js';
import { openForretningsmelding, sealForretningsmelding } from './forretningsmelding.js';
import { MultipartAnswerError } from './multipart-answer.js';
import { multipartBody } from '../../http/multipart-body.js';
import type { DphParties } from './parties.js';
import type { DphTokens } from './tokens.js';

// One DPH poll (transports notes §5.6 Receive): per HER id of ours, list what waits at the adapter; for
// each, download it (our signed request naming its id, answered with a JWE to our certificate and the
// dokumentpakke CMS-encrypted to it), open and check the forretningsmelding, hand the SBD and the still
// encrypted dokumentpakke to the sink, and mark it read only after the sink has it. A dialogmelding is
// answered with an automatic OK application receipt when the case system does not answer receipts
// itself; an application receipt reaches the case system only when it does (its status effect comes
// from status polling). A message we cannot take is answered with a REJECTED receipt and marked read,
// as the reference does, so it does not come back forever; one that failed for a passing reason stays
// unread for the next poll.

export interface DphPoller {
  adapter: AdapterClient;
  tokens: DphTokens;
  parties: DphParties;
  /** Signs our requests and receipts, and opens what the adapter sends us. */
  ownKey: KeystoreEntry;
  clock: Clock;
  ids: IdGenerator;
  herIds: readonly string[];
  /** False: the case system does not answer receipts (`difi.move.feature.enable-receipts`), we do. */
  receiptsEnabled: boolean;
  documentTypes: {
    nhnProcess: string;
    dialogmeldingDocumentType: string;
    receiptProcess: string;
    receiptDocumentType: string;
  };
  /** Time to live of the receipts we write. */
  ttlHours: number;
  maxDokumentpakkeBytes: number;
  tempDir: string;
  log: Logger;
}

interface HerIdContext {
  herId: string;
  orgnr: string;
  token: () => Promise<string>;
}

export async function pollDph(poller: DphPoller, sink: IncomingSink, signal: AbortSignal): Promise<void> {
  for (const herId of poller.herIds) {
    signal.throwIfAborted();
    const context = await contextOf(poller, herId);
    if (context === undefined) continue;
    let waiting: AdapterIncoming[];
    try {
      waiting = await poller.adapter.incoming(herId, await context.token(), signal);
    } catch (error) {
      if (!(error instanceof DphAdapterRefusedError)) throw error;
      poller.log.warn({ herId, code: error.code, status: error.status }, 'DPH incoming list refused');
      continue;
    }
    for (const item of waiting) {
      signal.throwIfAborted();
      await receive(poller, context, item, sink, signal);
    }
  }
}

async function contextOf(poller: DphPoller, herId: string): Promise<HerIdContext | undefined> {
  try {
    const orgnr = await poller.parties.organisationOf(herId);
    return { herId, orgnr, token: () => poller.tokens.forOrganisation(orgnr) };
  } catch (error) {
    if (!(error instanceof DphUnknownHerIdError)) throw error;
    poller.log.warn({ herId, code: error.code }, 'DPH HER id has no organisation in the Service Registry; not polled');
    return undefined;
  }
}

async function receive(poller: DphPoller, context: HerIdContext, item: AdapterIncoming, sink: IncomingSink, signal: AbortSignal): Promise<void> {
  const log = poller.log.child({ nhnId: item.id, herId: context.herId, serviceIdentifier: 'DPH', direction: 'INCOMING' });
  const spool = join(poller.tempDir, `dph-in-${randomId()}.cms`);
  try {
    let incoming: IncomingMessage;
    try {
      incoming = await download(poller, context, item, spool, signal);
    } catch (error) {
      const rejection = rejectionOf(error);
      if (rejection === undefined) throw error;
      log.warn({ code: rejection.code, reason: error instanceof Error ? error.message : String(error) }, 'incoming DPH message rejected');
      await answer(poller, context, item, { status: 'REJECTED', messages: [rejection] }, signal);
      await poller.adapter.markRead(item.id, context.herId, await context.token(), signal);
      return;
    }
    await deliver(poller, context, item, incoming, sink, log, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    log.warn({ err: error }, 'incoming DPH message not received; it stays at the adapter for the next poll');
  } finally {
    await rm(spool, { force: true });
  }
}

async function deliver(
  poller: DphPoller, context: HerIdContext, item: AdapterIncoming, incoming: IncomingMessage, sink: IncomingSink, log: Logger, signal: AbortSignal,
): Promise<void> {
  const isReceipt = typeOf(incoming.sbd) === 'dialogmelding_kvittering';
  const ids = { messageId: messageIdOf(incoming.sbd), conversationId: conversationIdOf(incoming.sbd) };
  if (isReceipt && !poller.receiptsEnabled) {
    incoming.asic?.content.destroy();
    // Not forwarded, but still the answer to our dialogmelding (transports notes §5.6).
    await sink.applyReceipt(incoming.sbd, 'DPH');
    log.debug(ids, 'DPH application receipt read; receipts are not forwarded to the case system');
  } else {
    const outcome = await sink.accept(incoming, 'DPH');
    log.debug({ ...ids, outcome }, 'incoming DPH message accepted');
    if (outcome === 'rejected') await answer(poller, context, item, { status: 'REJECTED', messages: [REJECTION_CODES.format] }, signal);
    else if (!isReceipt && !poller.receiptsEnabled) await answer(poller, context, item, { status: 'OK' }, signal);
  }
  await poller.adapter.markRead(item.id, context.herId, await context.token(), signal);
}

async function download(poller: DphPoller, context: HerIdContext, item: AdapterIncoming, spool: string, signal: AbortSignal): Promise<IncomingMessage> {
  const adapterCertificate = await poller.parties.adapterCertificate();
  const request = await sealForretningsmelding(JSON.stringify({ id: item.id }), { signer: poller.ownKey, recipient: adapterCertificate });
  const parts = await poller.adapter.fetch(request, await context.token(), { path: spool, maxBytes: poller.maxDokumentpakkeBytes }, signal);
  const payload = await openForretningsmelding(parts.forretningsmelding, { ownKey: poller.ownKey, adapterCertificate, now: poller.clock.now() });
  const sbd = checkedSbd(poller, payload);
  return parts.dokumentpakke === undefined ? { sbd } : { sbd, asic: { content: createReadStream(parts.dokumentpakke.path), encrypted: true } };
}

/** A dialogmelding in the health process, or an application receipt; anything else is refused (T10). */
function checkedSbd(poller: DphPoller, payload: string): StandardBusinessDocument {
  let sbd: StandardBusinessDocument;
  try {
    sbd = parseStandardBusinessDocument(JSON.parse(payload));
  } catch (cause) {
    const rejection = cause instanceof UnknownMessageTypeError ? REJECTION_CODES.unsupported : REJECTION_CODES.format;
    throw new DphIncomingRejectedError(rejection, 'the forretningsmelding holds no valid SBD', cause);
  }
  const { documentTypes: types } = poller;
  const type = typeOf(sbd);
  const standard = standardOf(sbd);
  const fits = type === 'dialogmelding'
    ? standard === types.dialogmeldingDocumentType && processOf(sbd) === types.nhnProcess
    : type === 'dialogmelding_kvittering' && standard === types.receiptDocumentType;
  if (!fits) throw new DphIncomingRejectedError(REJECTION_CODES.unsupported, `${type ?? 'an unknown type'} (${standard}) is no DPH message`);
  if (messageIdOf(sbd) === undefined || conversationIdOf(sbd) === undefined) {
    throw new DphIncomingRejectedError(REJECTION_CODES.format, 'the SBD names no messageId or conversationId');
  }
  return sbd;
}

function rejectionOf(error: unknown): RejectionCode | undefined {
  if (error instanceof DphIncomingRejectedError) return error.rejection;
  // Only an answer that is not the multipart the adapter owes, or one past the size bound; a broken
  // connection is retried.
  if (error instanceof MultipartAnswerError) return REJECTION_CODES.format;
  return undefined;
}

async function answer(
  poller: DphPoller, context: HerIdContext, item: AdapterIncoming, receipt: { status: 'OK' | 'REJECTED'; messages?: readonly RejectionCode[] },
  signal: AbortSignal,
): Promise<void> {
  const sbd = applicationReceiptSbd({
    messageId: poller.ids.next(), fromHerId: item.receiverHerId, toHerId: item.senderHerId, conversationId: item.businessDocumentId,
    relatedToMessageId: item.id, status: receipt.status, messages: receipt.messages?.map((m) => ({ code: m.code, text: m.text })),
    process: poller.documentTypes.receiptProcess, documentType: poller.documentTypes.receiptDocumentType, now: poller.clock.now(), ttlHours: poller.ttlHours,
  });
  const recipient = await poller.parties.adapterCertificate();
  const forretningsmelding = await sealForretningsmelding(JSON.stringify(sbd), { signer: poller.ownKey, recipient });
  const body = multipartBody([{ name: 'forretningsmelding', filename: 'sbd.jwe', contentType: 'application/jose', content: Buffer.from(forretningsmelding, 'utf8') }]);
  await poller.adapter.send(body, await context.token(), signal);
}
