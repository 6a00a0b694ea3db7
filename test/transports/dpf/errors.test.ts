import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SvarUtFaultError, SvarUtUnavailableError } from '../../../src/transports/dpf/index.js';
import { PermanentSendError } from '../../../src/transports/index.js';
import { featureArkivmelding, featureDocStrings, outgoingMessage, sendContext, SENDER, startDpfWorld, type DpfWorld } from './support.js';

// What no retry changes ends the message at once (PermanentSendError, FEIL); the rest is thrown as it
// is, so the outbox tries again (transports notes §5.4: SvarUtFaultInterceptor's fault texts).

let world: DpfWorld;

beforeAll(async () => {
  world = await startDpfWorld();
});
beforeEach(() => world.fake.failures.clear());
afterAll(() => world.close());

const sentCount = () => world.fake.operations.filter((o) => o === 'sendForsendelseMedId').length;

describe('DPF send errors', () => {
  it('ends the message when SvarUt calls the forsendelse a duplicate, with the fault text as raw receipt', async () => {
    world.fake.faultNext(1, 'Duplikat forsendelse, forsendelsesid finnes fra før');

    const error = await world.transport().send(outgoingMessage(world), sendContext()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentSendError);
    expect((error as PermanentSendError).rawReceipt).toBe('Duplikat forsendelse, forsendelsesid finnes fra før');
  });

  it('leaves any other SOAP fault to be retried', async () => {
    world.fake.faultNext(1, 'Intern feil i SvarUt, prøv igjen senere');

    const error = await world.transport().send(outgoingMessage(world), sendContext()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SvarUtFaultError);
    expect(error).not.toBeInstanceOf(PermanentSendError);
  });

  it('leaves an unreachable or failing SvarUt to be retried, and delivers on the next try', async () => {
    world.fake.failures.failNext(1, { status: 503 });
    const transport = world.transport();
    const message = outgoingMessage(world);
    const context = sendContext();

    await expect(transport.send(message, context)).rejects.toBeInstanceOf(SvarUtUnavailableError);
    await transport.send(message, context);

    expect(world.fake.forsendelser().filter((f) => f.id === message.message.messageId)).toHaveLength(1);
  });

  it('does not send a forsendelse twice when a retry follows a lost answer', async () => {
    const transport = world.transport();
    const message = outgoingMessage(world);
    const context = sendContext();
    await transport.send(message, context);
    const sent = sentCount();

    // The outbox retries with the state the first try saved, as after a crash before its answer was stored.
    const result = await transport.send(message, sendContext({ ...context.state }));

    expect(result.statuses).toEqual([{ status: 'SENDT' }, { status: 'LEVERT' }]);
    expect(sentCount()).toBe(sent);
    expect(context.saved).toEqual([{ forsendelsesid: message.message.messageId }]);
  });

  it('refuses, at a low configured limit, files larger than the DPF upload limit without sending', async () => {
    const sent = sentCount();
    const message = outgoingMessage(world, {
      documents: [
        { filename: 'arkivmelding.xml', mimetype: 'application/xml', content: Buffer.from(featureArkivmelding()) },
        { filename: 'test.txt', mimetype: 'text/plain', content: Buffer.alloc(8 * 1024, 0x61) },
      ],
    });
    const transport = world.transport({ config: { 'efm.dpf.upload-size-limit': '8KB' } });

    await expect(transport.send(message, sendContext())).rejects.toBeInstanceOf(PermanentSendError);
    expect(transport.maxBytes).toBe(8 * 1024);
    expect(sentCount()).toBe(sent);
  });

  it('keeps the reference\'s limit and time to live as its defaults', () => {
    const transport = world.transport();

    expect(transport.maxBytes).toBe(1024 ** 3);
    expect(transport.defaultTtlHours).toBe(24);
  });

  it('ends a message without arkivmelding.xml, or naming a file that was not uploaded', async () => {
    const noArkivmelding = outgoingMessage(world, { documents: [{ filename: 'test.txt', mimetype: 'text/plain', content: Buffer.from('x') }] });
    const missingFile = outgoingMessage(world, { documents: [{ filename: 'arkivmelding.xml', mimetype: 'application/xml', content: Buffer.from(featureArkivmelding()) }] });

    await expect(world.transport().send(noArkivmelding, sendContext())).rejects.toBeInstanceOf(PermanentSendError);
    await expect(world.transport().send(missingFile, sendContext())).rejects.toThrow(/File 'test.txt' referenced in/);
  });

  it('ends a message whose receiver record has no certificate for SvarUt', async () => {
    await expect(world.transport().send(outgoingMessage(world, { certificatePem: null }), sendContext())).rejects.toBeInstanceOf(PermanentSendError);
  });

  it('lets a document that breaks off while read fail the send, to be tried again', async () => {
    const broken = () => new Readable({ read() { this.destroy(new Error('disk went away')); } });
    const message = outgoingMessage(world, {
      documents: [
        { filename: 'arkivmelding.xml', mimetype: 'application/xml', content: Buffer.from(featureArkivmelding()) },
        { filename: 'test.txt', mimetype: 'text/plain', content: broken, size: 10 },
      ],
    });

    const error = await world.transport().send(message, sendContext()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentSendError);
    expect(world.fake.forsendelser().some((f) => f.id === message.message.messageId)).toBe(false);
  });

  it('registers a receipt to a DPF receiver as read without sending it (api notes §4.3)', async () => {
    const sent = sentCount();
    const receipt = outgoingMessage(world, { type: 'arkivmelding_kvittering', businessMessage: { receiptType: 'OK', relatedToMessageId: 'x' }, documents: [] });

    const result = await world.transport().send(receipt, sendContext());

    expect(result.statuses).toEqual([{ status: 'SENDT' }, { status: 'LEVERT' }, { status: 'LEST' }]);
    expect(sentCount()).toBe(sent);
  });

  it('answers an invalid korrespondanseparttype with the sender\'s registry address, as nextmove_send_dpf_multipart.feature allows', async () => {
    const arkivmelding = featureDocStrings('nextmove_send_dpf_multipart.feature')[1] ?? '';
    const message = outgoingMessage(world, {
      businessMessage: { sikkerhetsnivaa: 3, hoveddokument: 'arkivmelding.xml' },
      documents: [
        { filename: 'arkivmelding.xml', mimetype: 'application/xml', content: Buffer.from(arkivmelding) },
        { filename: 'test.txt', mimetype: 'text/plain', content: Buffer.from('Testing 1 2 3') },
      ],
    });

    await world.transport().send(message, sendContext());

    const stored = world.fake.forsendelser().find((f) => f.id === message.message.messageId);
    expect(stored?.svarSendesTilOrgnr).toBe(SENDER);
    expect(stored?.svarSendesTil).toEqual({ navn: 'TEST - C4', postnr: '0192', poststed: 'Oslo', land: 'Norge' });
  });
});
