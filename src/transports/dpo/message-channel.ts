import { isReceiptType, messageChannelOf, typeOf, type StandardBusinessDocument } from '../../domain/index.js';
import type { IdGenerator } from '../../ids/index.js';

// DPO channels (api notes §4.8, transports notes §5.1): a broker file transfer's
// `sendersFileTransferReference` is a fresh id, or, for the status and receipt replies to a message that
// came on a channel, that channel's name, so the reply lands with the integration point polling it.

/** What a channel name looks like; a UUID is longer, so ids never pass for channels. */
const CHANNEL_NAME = /^[a-zA-Z0-9\-_]{0,25}$/;

/** The reference for a new file transfer; draws from `ids` only when it is an id (CONTRACT.md §4). */
export function sendersFileTransferReference(sbd: StandardBusinessDocument, ownChannel: string | undefined, ids: IdGenerator): string {
  const type = typeOf(sbd);
  const isReply = type === 'status' || (type !== undefined && isReceiptType(type));
  const channel = messageChannelOf(sbd);
  if (isReply && channel !== undefined && channel !== ownChannel) return channel;
  return ids.next();
}

/** Whether a published file transfer is ours to take, given our channel (§5.1 receive step 2). */
export function isForChannel(reference: string | null, ownChannel: string | undefined): boolean {
  if (ownChannel !== undefined) return reference === ownChannel;
  return reference === null || !CHANNEL_NAME.test(reference);
}
