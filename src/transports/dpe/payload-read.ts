import { Readable } from 'node:stream';
import { parseStandardBusinessDocument } from '../../domain/index.js';
import type { IncomingMessage } from '../port.js';
import { UnreadableServiceBusMessageError } from './errors.js';

// A DPE message taken off our queue (transports notes §5.5 receive): the JSON `{sbd, asic}` whose `asic`
// is undone twice from base64 into the CMS the peer encrypted to us. The body is held in memory while it
// is parsed: a DPE message is bounded by the service's 2 MB limit, which the reader's cap enforces.

export function readDpePayload(body: Buffer): IncomingMessage {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (cause) {
    throw new UnreadableServiceBusMessageError('the Service Bus message is not JSON', cause);
  }
  const members = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  let sbd;
  try {
    sbd = parseStandardBusinessDocument(members.sbd);
  } catch (cause) {
    throw new UnreadableServiceBusMessageError(`the Service Bus message holds no valid SBD: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  const { asic } = members;
  if (asic === undefined || asic === null) return { sbd };
  if (typeof asic !== 'string') throw new UnreadableServiceBusMessageError('the Service Bus message\'s asic is not a string');
  const cms = Buffer.from(Buffer.from(asic, 'base64').toString('latin1'), 'base64');
  if (cms.length === 0) throw new UnreadableServiceBusMessageError('the Service Bus message\'s asic is empty');
  return { sbd, asic: { content: Readable.from([cms]), encrypted: true } };
}
