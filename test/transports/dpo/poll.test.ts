import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadUndici } from '../../../src/http/index.js';
import { AltinnBrokerUnavailableError } from '../../../src/transports/dpo/index.js';
import {
  openEncryptedAsic, outgoingMessage, RECEIVER, recordingSink, SENDER, sendContext, startDpoWorld, type DpoWorld, type Party,
} from './support.js';

let world: DpoWorld;
let sender: Party;
let receiver: Party;
let receiverCertificate: string;
const signal = new AbortController().signal;

beforeAll(async () => {
  world = await startDpoWorld();
  sender = await world.party(SENDER);
  receiver = await world.party(RECEIVER);
  receiverCertificate = receiver.key.certificate.toString();
});
afterAll(() => world.close());
afterEach(async () => {
  world.altinn.failures.clear();
  // Every test starts with nothing waiting for the receiver.
  await receiver.transport.poll?.(recordingSink(), signal);
});

async function send(spec: Parameters<typeof outgoingMessage>[1] = {}) {
  const message = await outgoingMessage({ receiverCertificate }, spec);
  const context = sendContext();
  await sender.transport.send(message, context);
  return { message, fileTransferId: context.state.fileTransferId ?? '' };
}

const recipientStatusOf = (fileTransferId: string) =>
  world.altinn.transfers().find((t) => t.fileTransferId === fileTransferId)?.recipients[0]?.status;

/** Publishes bytes that are no DPO message, as another broker user could. */
async function publishRaw(body: Buffer, reference: string | null = randomUUID()): Promise<string> {
  const { request } = await loadUndici();
  const token = await sender.tokens.token({ orgId: `0192:${SENDER}`, name: `${SENDER}_integrasjonspunkt_systembruker_${SENDER}` }, 'altinn:broker.write');
  const headers = { authorization: `Bearer ${token}` };
  const init = await request(`${world.altinn.brokerUrl}/filetransfer`, {
    method: 'POST', headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ fileName: 'sbd.zip', resourceId: 'eformidling-dpo-meldingsutveksling', sendersFileTransferReference: reference, sender: `0192:${SENDER}`, recipients: [`0192:${RECEIVER}`] }),
  });
  const { fileTransferId } = await init.body.json() as { fileTransferId: string };
  const upload = await request(`${world.altinn.brokerUrl}/filetransfer/${fileTransferId}/upload`, {
    method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(body.length) }, body,
  });
  await upload.body.dump();
  return fileTransferId;
}

describe('DPO poll', () => {
  it('hands the message to the sink still encrypted, then confirms the download, once', async () => {
    const { message, fileTransferId } = await send();
    const sink = recordingSink();
    await receiver.transport.poll?.(sink, signal);

    expect(sink.received).toHaveLength(1);
    const [got] = sink.received;
    expect(got?.sbd).toEqual(message.message.sbd);
    expect(got?.encrypted).toBe(true);
    const { result } = await openEncryptedAsic(got?.asic ?? Buffer.alloc(0), receiver.key);
    expect(result.documents.map((d) => d.name)).toEqual(['manifest.xml', 'arkivmelding.xml', 'test.txt']);
    expect(recipientStatusOf(fileTransferId)).toBe('DownloadConfirmed');

    const again = recordingSink();
    await receiver.transport.poll?.(again, signal);
    expect(again.received).toEqual([]);
  });

  it('hands over a status message without an ASiC', async () => {
    const { message } = await send({ type: 'status', documents: [], certificatePem: null });
    const sink = recordingSink();
    await receiver.transport.poll?.(sink, signal);
    expect(sink.received).toEqual([{ sbd: message.message.sbd }]);
  });

  it('leaves a message the sink could not take unconfirmed, and offers it again on the next poll', async () => {
    const { message, fileTransferId } = await send();
    const failing = recordingSink(() => { throw new Error('store busy'); });
    await receiver.transport.poll?.(failing, signal);
    expect(recipientStatusOf(fileTransferId)).toBe('DownloadStarted');

    const sink = recordingSink();
    await receiver.transport.poll?.(sink, signal);
    expect(sink.received.map((r) => r.sbd)).toEqual([message.message.sbd]);
    expect(recipientStatusOf(fileTransferId)).toBe('DownloadConfirmed');
  });

  it('takes up a download that a stopped daemon left unconfirmed', async () => {
    const { message, fileTransferId } = await send();
    await receiver.transport.poll?.(recordingSink(() => { throw new Error('killed'); }), signal);
    const restarted = await world.party(RECEIVER, { workDir: receiver.workDir });
    const sink = recordingSink();
    await restarted.transport.poll?.(sink, signal);
    expect(sink.received.map((r) => r.sbd)).toEqual([message.message.sbd]);
    expect(recipientStatusOf(fileTransferId)).toBe('DownloadConfirmed');
  });

  it('confirms and discards a transfer that is no zip, and one whose SBD has no UUID ids', async () => {
    const garbage = await publishRaw(Buffer.from('this is not a zip'));
    const { message } = await send();
    const bad = await outgoingMessage({ receiverCertificate }, { messageId: 'not-a-uuid' });
    const badId = await publishRaw(await zipWithSbd(JSON.stringify(bad.message.sbd)));
    const sink = recordingSink();
    await receiver.transport.poll?.(sink, signal);
    expect(sink.received.map((r) => r.sbd)).toEqual([message.message.sbd]);
    expect(recipientStatusOf(garbage)).toBe('DownloadConfirmed');
    expect(recipientStatusOf(badId)).toBe('DownloadConfirmed');
  });

  it('without a channel of its own, takes transfers referenced by an id or nothing, and leaves those of a channel', async () => {
    const zip = await zipWithSbd(JSON.stringify((await outgoingMessage({ receiverCertificate }, { type: 'status', documents: [], certificatePem: null })).message.sbd));
    const byId = await publishRaw(zip, randomUUID());
    const byNothing = await publishRaw(zip, null);
    const byChannel = await publishRaw(zip, 'kanal-a');
    await receiver.transport.poll?.(recordingSink(), signal);
    expect([byId, byNothing, byChannel].map(recipientStatusOf)).toEqual(['DownloadConfirmed', 'DownloadConfirmed', 'Initialized']);

    const onChannel = await world.party(RECEIVER, { config: { 'efm.dpo.message-channel': 'kanal-a' } });
    const other = await publishRaw(zip, randomUUID());
    const sink = recordingSink();
    await onChannel.transport.poll?.(sink, signal);
    expect(sink.received).toHaveLength(1);
    expect([byChannel, other].map(recipientStatusOf)).toEqual(['DownloadConfirmed', 'Initialized']);
  });

  it('tries a download that failed again on the next poll', async () => {
    const { message } = await send();
    world.altinn.failures.failNext(1, { path: /\/download$/ });
    const first = recordingSink();
    await receiver.transport.poll?.(first, signal);
    expect(first.received).toEqual([]);
    const second = recordingSink();
    await receiver.transport.poll?.(second, signal);
    expect(second.received.map((r) => r.sbd)).toEqual([message.message.sbd]);
  });

  it('rejects the poll with a retryable error when the broker cannot list', async () => {
    world.altinn.failures.failNext(1, { method: 'GET', path: /\/filetransfer$/ });
    await expect(receiver.transport.poll?.(recordingSink(), signal)).rejects.toBeInstanceOf(AltinnBrokerUnavailableError);
  });

  it('handles at most maxFilesPerRun transfers in one poll, the rest in the next', async () => {
    const limited = await world.party(RECEIVER, { config: { 'efm.dpo.poll.max-files-per-run': 2 } });
    for (let i = 0; i < 3; i++) await send();
    const first = recordingSink();
    await limited.transport.poll?.(first, signal);
    expect(first.received).toHaveLength(2);
    const second = recordingSink();
    await limited.transport.poll?.(second, signal);
    expect(second.received).toHaveLength(1);
  });

  it('delivers every one of more transfers than the broker lists at once', async () => {
    const messageIds = new Set<string>();
    for (let i = 0; i < 105; i++) messageIds.add((await send({ type: 'status', documents: [], certificatePem: null })).message.message.messageId);
    const sink = recordingSink();
    await receiver.transport.poll?.(sink, signal);
    expect(new Set(sink.received.map((r) => r.sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier))).toEqual(messageIds);
  });
});

async function zipWithSbd(sbdJson: string): Promise<Buffer> {
  const { default: yazl } = await import('yazl');
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(sbdJson), 'sbd.json');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
