import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentSendError } from '../../../src/transports/index.js';
import { ServiceBusRefusedError, ServiceBusUnavailableError } from '../../../src/transports/dpe/index.js';
import { openssl } from '../../crypto/fixtures.js';
import {
  cmsOfBody, dpeMessage, dpeSbd, openEncryptedAsic, RECEIVER, SENDER, sendContext, startDpeWorld, type DpeWorld, type Party,
} from './support.js';

// The DPE send against the sandbox's Service Bus, which checks each SAS signature: the body of
// nextmove_send_dpe.feature, the queue names, and how failures are told apart.

const QUEUE = `nextbestqueue${RECEIVER}innsyn`;
let world: DpeWorld;
let sender: Party;
let receiver: Party;
let receiverCertificate: string;

beforeAll(async () => {
  world = await startDpeWorld();
  sender = await world.party(SENDER);
  receiver = await world.party(RECEIVER);
  receiverCertificate = receiver.key.certificate.toString();
});
afterAll(() => world.close());
afterEach(() => {
  world.bus.failures.clear();
  expect(world.bus.refusals).toEqual([]);
});

function lastBody(queue: string): Buffer {
  const body = world.bus.messages(queue).at(-1)?.body;
  if (body === undefined) throw new Error(`nothing on ${queue}`);
  return body;
}

describe('DPE send', () => {
  it('posts {sbd, asic} to the receiver\'s queue, the SBD as given and the asic a double-base64 CMS of the ASiC-E', async () => {
    const messageId = '20c8849c-e281-4809-8555-7cd54952b916';
    const result = await sender.transport.send(dpeMessage(receiverCertificate, { messageId }), sendContext());

    expect(result).toEqual({});
    const body = lastBody(QUEUE);
    const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['sbd', 'asic']);
    expect(json.sbd).toEqual(dpeSbd({ messageId }));
    const { result: asic, entries } = await openEncryptedAsic(cmsOfBody(body), receiver.key);
    expect(asic.documents.map((d) => [d.name, d.mimetype, d.digestMatches])).toEqual([
      ['manifest.xml', 'application/xml', true],
      ['test.txt', 'text/plain', true],
    ]);
    expect(asic.signature?.signer.subject).toContain(SENDER);
    expect(entries.find((e) => e.name === 'manifest.xml')?.data.toString('utf8')).toBe([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<manifest>',
      '   <mottaker>',
      '      <organisasjon authority="iso6523-actorid-upis">0192:910075935</organisasjon>',
      '   </mottaker>',
      '   <avsender>',
      '      <organisasjon authority="iso6523-actorid-upis">0192:910077473</organisasjon>',
      '   </avsender>',
      '   <hoveddokument href="test.txt" mime="text/plain">',
      '      <tittel lang="no">Hoveddokument</tittel>',
      '   </hoveddokument>',
      '</manifest>',
      '',
    ].join('\n'));
    expect(entries.find((e) => e.name === 'test.txt')?.data.toString('utf8')).toBe('Testing 1 2 3');
  });

  it('encrypts the content key with RSA PKCS#1 v1.5, as the reference does for DPE', async () => {
    await sender.transport.send(dpeMessage(receiverCertificate), sendContext());

    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], cmsOfBody(lastBody(QUEUE))).toString('utf8');
    expect(printed).toMatch(/keyEncryptionAlgorithm:\s*\n?\s*algorithm: rsaEncryption/);
    expect(printed).not.toContain('rsaesOaep');
  });

  it('sends a status SBD without asic to the data queue when we read innsyn', async () => {
    await sender.transport.send(dpeMessage(receiverCertificate, { type: 'status' }), sendContext());

    const json = JSON.parse(lastBody(`nextbestqueue${RECEIVER}data`).toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['sbd']);
  });

  it('sends status SBDs to innsyn when we read meeting, and to the configured receipt queue when there is one', async () => {
    const meeting = await world.party(SENDER, { config: { 'efm.dpe.mode': 'meeting' } });
    const withReceiptQueue = await world.party(SENDER, { config: { 'difi.move.nextmove.serviceBus.receiptQueue': 'kvittering' } });
    const before = world.bus.messages(`nextbestqueue${RECEIVER}innsyn`).length;

    await meeting.transport.send(dpeMessage(receiverCertificate, { type: 'status' }), sendContext());
    await withReceiptQueue.transport.send(dpeMessage(receiverCertificate, { type: 'status' }), sendContext());

    expect(world.bus.messages(`nextbestqueue${RECEIVER}innsyn`).length).toBe(before + 1);
    expect(world.bus.messages(`nextbestqueue${RECEIVER}kvittering`)).toHaveLength(1);
  });

  it('sends an eInnsyn receipt about an innsynskrav to the data queue', async () => {
    await sender.transport.send(dpeMessage(receiverCertificate, {
      type: 'einnsyn_kvittering', business: { referanseType: 'INNSYNSKRAV' }, files: [], endpointUrl: null,
    }), sendContext());

    expect(JSON.parse(lastBody(`nextbestqueue${RECEIVER}data`).toString('utf8'))).toMatchObject({ sbd: { einnsyn_kvittering: { referanseType: 'INNSYNSKRAV' } } });
  });
});

describe('DPE send failures', () => {
  it('puts one message on the queue when the answer to the first send was lost and the send is repeated', async () => {
    const messageId = '30c8849c-e281-4809-8555-7cd54952b916';
    const state: Record<string, string> = {};
    const before = world.bus.messages(QUEUE).length;
    world.bus.dropNextAnswers(1);

    await expect(sender.transport.send(dpeMessage(receiverCertificate, { messageId }), sendContext(state))).rejects.toBeInstanceOf(ServiceBusUnavailableError);
    await sender.transport.send(dpeMessage(receiverCertificate, { messageId }), sendContext(state));

    expect(world.bus.messages(QUEUE).length).toBe(before + 1);
    expect(world.bus.messages(QUEUE).at(-1)?.messageId).toBe(state.serviceBusMessageId);
  });

  it('leaves a 503 to be retried', async () => {
    world.bus.failures.failNext(1, { status: 503 });
    const error: unknown = await sender.transport.send(dpeMessage(receiverCertificate), sendContext()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServiceBusUnavailableError);
    expect(error).not.toBeInstanceOf(PermanentSendError);
  });

  it('gives up at once when the Service Bus refuses the message itself (400)', async () => {
    world.bus.failures.failNext(1, { status: 400 });
    await expect(sender.transport.send(dpeMessage(receiverCertificate), sendContext())).rejects.toBeInstanceOf(PermanentSendError);
  });

  it('leaves a send with a wrong SAS key to be retried, so a corrected key still delivers it', async () => {
    const wrongKey = await world.party(SENDER, { sasKey: 'not-the-key' });
    const error: unknown = await wrongKey.transport.send(dpeMessage(receiverCertificate), sendContext()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServiceBusRefusedError);
    expect(error).not.toBeInstanceOf(PermanentSendError);
    expect(world.bus.refusals).toEqual(['the signature does not match']);
    world.bus.clearRefusals();
  });

  it('refuses files over the configured limit without sending', async () => {
    const small = await world.party(SENDER, { config: { 'efm.dpe.upload-size-limit': '1KB' } });
    const before = world.bus.messages(QUEUE).length;

    expect(small.transport.maxBytes).toBe(1024);
    await expect(small.transport.send(dpeMessage(receiverCertificate, {
      files: [{ filename: 'big.txt', mimetype: 'text/plain', content: Buffer.alloc(1025, 'x') }],
    }), sendContext())).rejects.toBeInstanceOf(PermanentSendError);
    expect(world.bus.messages(QUEUE).length).toBe(before);
  });

  it('gives up at once when the receiver\'s record names no queue, or has no usable certificate', async () => {
    await expect(sender.transport.send(dpeMessage(receiverCertificate, { endpointUrl: null }), sendContext())).rejects.toBeInstanceOf(PermanentSendError);
    await expect(sender.transport.send(dpeMessage(receiverCertificate, { certificatePem: 'not a certificate' }), sendContext())).rejects.toBeInstanceOf(PermanentSendError);
  });
});

describe('DPE defaults', () => {
  it('has the reference\'s limit and time to live', () => {
    expect(sender.transport.maxBytes).toBe(2 * 1024 * 1024);
    expect(sender.transport.defaultTtlHours).toBe(24);
  });
});
