import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { conversationIdOf, isUuid, messageIdOf, parseStandardBusinessDocument, type StandardBusinessDocument } from '../../domain/index.js';
import { randomId } from '../../ids/index.js';
import type { Logger } from '../../logging/index.js';
import type { IncomingMessage, IncomingSink } from '../port.js';
import type { BrokerClient, FileTransferOverview } from './broker-client.js';
import { AltinnBrokerRefusedError, UnreadableTransferError } from './errors.js';
import { isForChannel } from './message-channel.js';
import { readSbdZip } from './sbd-zip-read.js';
import type { SystemUser, SystemUsers } from './system-users.js';
import type { UnconfirmedDownloads } from './unconfirmed-downloads.js';

// One DPO poll (transports notes §5.1 receive): per system user, list the published transfers it has not
// downloaded, keep those of our channel, and in order of creation download each to a temp file, hand it
// to the sink and confirm the download only after the sink has it. Downloads run a few ahead of the
// sink; a transfer that is no DPO message is confirmed and dropped (step 4), one that failed for another
// reason is noted as unconfirmed and taken up first by the next poll.

export interface DpoPoller {
  broker: BrokerClient;
  systemUsers: SystemUsers;
  unconfirmed: UnconfirmedDownloads;
  messageChannel: string | undefined;
  /** Where downloads are kept while the sink takes them. */
  tempDir: string;
  maxFilesPerRun: number;
  concurrency: number;
  /** Largest download accepted: the upload limit plus room for the ASiC and CMS around it. */
  maxDownloadBytes: number;
  log: Logger;
}

type Fetched =
  | { kind: 'message'; incoming: IncomingMessage; files: string[] }
  | { kind: 'unreadable'; reason: UnreadableTransferError; files: string[] }
  | { kind: 'failed'; error: unknown; files: string[] };

export async function pollDpo(poller: DpoPoller, sink: IncomingSink, signal: AbortSignal): Promise<void> {
  for (const user of poller.systemUsers.all) {
    await pollFor(poller, user, sink, signal);
  }
}

async function pollFor(poller: DpoPoller, user: SystemUser, sink: IncomingSink, signal: AbortSignal): Promise<void> {
  const seen = new Set<string>();
  let handled = 0;
  let batch = await poller.unconfirmed.list(user);
  // The list holds at most the latest 100; confirmed ones leave it, so asking again reaches the rest.
  while (handled < poller.maxFilesPerRun && !signal.aborted) {
    batch.push(...(await poller.broker.listNew(user, signal)).filter((id) => !batch.includes(id)));
    const fresh = batch.filter((id) => !seen.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) seen.add(id);
    const overviews = await mapConcurrently(fresh, poller.concurrency, (id) => overviewOrSkip(poller, user, id, signal));
    const wanted = overviews
      .filter((o): o is FileTransferOverview => o !== undefined && isForChannel(o.sendersFileTransferReference, poller.messageChannel))
      .sort(byCreated)
      .slice(0, poller.maxFilesPerRun - handled);
    await receiveInOrder(poller, user, wanted, sink, signal);
    handled += wanted.length;
    batch = [];
  }
}

async function overviewOrSkip(poller: DpoPoller, user: SystemUser, id: string, signal: AbortSignal): Promise<FileTransferOverview | undefined> {
  try {
    const overview = await poller.broker.overview(user, id, signal);
    if (overview === undefined) await poller.unconfirmed.forget(id);
    return overview;
  } catch (error) {
    poller.log.warn({ fileTransferId: id, err: error }, 'DPO file transfer details unavailable; trying again next poll');
    return undefined;
  }
}

/** Downloads up to `concurrency` ahead, while the sink takes the transfers one by one in order. */
async function receiveInOrder(poller: DpoPoller, user: SystemUser, transfers: FileTransferOverview[], sink: IncomingSink, signal: AbortSignal): Promise<void> {
  const fetches: Promise<Fetched>[] = [];
  const startNext = (): void => {
    const next = transfers[fetches.length];
    if (next !== undefined) fetches.push(fetch(poller, user, next.fileTransferId, signal));
  };
  for (let i = 0; i < poller.concurrency; i++) startNext();
  for (let i = 0; i < transfers.length; i++) {
    const fetched = await fetches[i];
    const transfer = transfers[i];
    startNext();
    if (fetched === undefined || transfer === undefined) continue;
    try {
      await handle(poller, user, transfer.fileTransferId, fetched, sink, signal);
    } finally {
      await Promise.all(fetched.files.map((file) => rm(file, { force: true })));
    }
  }
}

async function fetch(poller: DpoPoller, user: SystemUser, fileTransferId: string, signal: AbortSignal): Promise<Fetched> {
  const base = join(poller.tempDir, `dpo-in-${randomId()}`);
  const files = [`${base}.zip`, `${base}.asic`];
  try {
    await poller.unconfirmed.note(user, fileTransferId);
    await poller.broker.download(user, fileTransferId, { path: `${base}.zip`, maxBytes: poller.maxDownloadBytes }, signal);
    const contents = await readSbdZip(`${base}.zip`, `${base}.asic`);
    const sbd = parseIncomingSbd(contents.sbdJson);
    const asicPath = contents.asicPath;
    const incoming: IncomingMessage = asicPath === undefined ? { sbd } : { sbd, asic: { content: createReadStream(asicPath), encrypted: true } };
    return { kind: 'message', incoming, files };
  } catch (error) {
    if (error instanceof UnreadableTransferError) return { kind: 'unreadable', reason: error, files };
    return { kind: 'failed', error, files };
  }
}

async function handle(poller: DpoPoller, user: SystemUser, fileTransferId: string, fetched: Fetched, sink: IncomingSink, signal: AbortSignal): Promise<void> {
  const log = poller.log.child({ fileTransferId });
  if (fetched.kind === 'failed') {
    const isRefused = fetched.error instanceof AltinnBrokerRefusedError && fetched.error.status !== 401;
    // A refused download (gone, expired) will not be given to us later either.
    if (isRefused) await poller.unconfirmed.forget(fileTransferId);
    log.warn({ err: fetched.error }, isRefused ? 'DPO download refused; left at the broker' : 'DPO download failed; trying again next poll');
    return;
  }
  if (fetched.kind === 'unreadable') {
    log.warn({ reason: fetched.reason.message }, 'DPO file transfer is no readable message; confirmed and discarded');
    await confirm(poller, user, fileTransferId, log, signal);
    return;
  }
  const { incoming } = fetched;
  const ids = { messageId: messageIdOf(incoming.sbd), conversationId: conversationIdOf(incoming.sbd), serviceIdentifier: 'DPO', direction: 'INCOMING' };
  try {
    const outcome = await sink.accept(incoming, 'DPO');
    log.debug({ ...ids, outcome }, 'DPO message accepted');
  } catch (error) {
    log.error({ ...ids, err: error }, 'DPO message not accepted; it stays at the broker for the next poll');
    return;
  } finally {
    incoming.asic?.content.destroy();
  }
  await confirm(poller, user, fileTransferId, log, signal);
}

async function confirm(poller: DpoPoller, user: SystemUser, fileTransferId: string, log: Logger, signal: AbortSignal): Promise<void> {
  try {
    await poller.broker.confirmDownload(user, fileTransferId, signal);
    await poller.unconfirmed.forget(fileTransferId);
  } catch (error) {
    // The noted transfer is taken up again next poll; the inbox knows its messageId by then.
    log.warn({ err: error }, 'DPO download not confirmed; trying again next poll');
  }
}

/** The SBD of `sbd.json`; a message whose ids are no UUIDs is unreadable too (§5.1 receive step 4). */
function parseIncomingSbd(json: Buffer): StandardBusinessDocument {
  let value: unknown;
  try {
    value = JSON.parse(json.toString('utf8'));
  } catch (cause) {
    throw new UnreadableTransferError('sbd.json is not JSON', cause);
  }
  let sbd: StandardBusinessDocument;
  try {
    sbd = parseStandardBusinessDocument(value);
  } catch (cause) {
    throw new UnreadableTransferError(`sbd.json is no valid SBD: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  const messageId = messageIdOf(sbd);
  const conversationId = conversationIdOf(sbd);
  if (messageId === undefined || !isUuid(messageId) || conversationId === undefined || !isUuid(conversationId)) {
    throw new UnreadableTransferError('the SBD\'s messageId or conversationId is not a UUID');
  }
  return sbd;
}

function byCreated(a: FileTransferOverview, b: FileTransferOverview): number {
  const at = (o: FileTransferOverview) => (o.created === undefined ? Number.NaN : Date.parse(o.created));
  const [x, y] = [at(a), at(b)];
  return Number.isNaN(x) || Number.isNaN(y) ? 0 : x - y;
}

async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  // The workers share one iterator, so each item is taken exactly once.
  const pending = items.entries();
  const worker = async (): Promise<void> => {
    for (const [index, item] of pending) results[index] = await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
