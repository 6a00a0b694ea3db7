import { conversationIdOf, messageIdOf } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import type { IncomingMessage, IncomingSink } from '../port.js';
import { UnreadableServiceBusMessageError } from './errors.js';
import { readDpePayload } from './payload-read.js';
import type { LockedMessage, ServiceBusClient } from './service-bus-client.js';

// One DPE poll (transports notes §5.5 receive, REST mode): peek-lock the head of our queue, hand the
// message to the sink, and delete it only once the sink has it; on until the queue is empty, as the
// reference repeats its batches while messages keep coming. Messages are taken one at a time, so none
// waits locked (and in memory) behind another. A message the sink does not take stays locked and comes
// back when its lock expires; the run stops there, since the next one would most likely fail the same
// way. A message that is no DPE message is deleted and dropped, so it does not come back forever.

export interface DpePoller {
  bus: ServiceBusClient;
  queue: string;
  /** Largest message body read; a bigger one is unreadable. */
  maxMessageBytes: number;
  log: Logger;
}

export async function pollDpe(poller: DpePoller, sink: IncomingSink, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const locked = await poller.bus.peekLock(poller.queue, poller.maxMessageBytes, signal);
    if (locked === undefined) return;
    if (!(await handle(poller, locked, sink, signal))) return;
  }
}

/** False when the sink did not take the message. */
async function handle(poller: DpePoller, locked: LockedMessage, sink: IncomingSink, signal: AbortSignal): Promise<boolean> {
  const log = poller.log.child({ serviceBusMessageId: locked.messageId });
  let incoming: IncomingMessage;
  try {
    if (locked.body === undefined) throw new UnreadableServiceBusMessageError(`the Service Bus message is larger than ${poller.maxMessageBytes} bytes`);
    incoming = readDpePayload(locked.body);
  } catch (error) {
    if (!(error instanceof UnreadableServiceBusMessageError)) throw error;
    log.warn({ reason: error.message }, 'DPE message is no readable message; deleted and discarded');
    await complete(poller, locked, log, signal);
    return true;
  }
  const ids = { messageId: messageIdOf(incoming.sbd), conversationId: conversationIdOf(incoming.sbd), serviceIdentifier: 'DPE', direction: 'INCOMING' };
  try {
    const outcome = await sink.accept(incoming, 'DPE');
    log.debug({ ...ids, outcome }, 'DPE message accepted');
  } catch (error) {
    log.error({ ...ids, err: error }, 'DPE message not accepted; it stays on the queue and comes back when its lock expires');
    return false;
  } finally {
    incoming.asic?.content.destroy();
  }
  await complete(poller, locked, log, signal);
  return true;
}

async function complete(poller: DpePoller, locked: LockedMessage, log: Logger, signal: AbortSignal): Promise<void> {
  // A lost lock means the message comes again; the inbox then knows its messageId and drops the copy.
  if (!(await poller.bus.delete(poller.queue, locked, signal))) log.warn('DPE message lock lost before delete; it will come again');
}
