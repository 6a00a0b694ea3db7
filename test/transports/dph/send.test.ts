import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/testing.js';
import { createDphTransport, DphAdapterUnavailableError } from '../../../src/transports/dph/index.js';
import { PermanentSendError } from '../../../src/transports/index.js';
import {
  CLOCK, DIALOGMELDING_XML, DOCUMENTS, fastlegeRecord, FNR, message, OWN_HER_ID, PEER_HER_ID, sendContext, startDphWorld, VEDLEGG_PDF, type DphWorld,
} from './support.js';

// The outgoing side of DPH against the sandbox's nhn-adapter, which checks the JWE, the JWS and the
// GCM-encrypted CAdES ASiC-E on its own (see the sandbox's verify-outgoing): what reaches it, what a
// retry does, and which failures are permanent.

let world: DphWorld;

beforeAll(async () => {
  world = await startDphWorld();
});

afterAll(async () => {
  await world.close();
});

beforeEach(() => {
  world.adapter.failures.clear();
});

describe('DPH send', () => {
  it('hands a dialogmelding to the nhn-adapter and keeps its NHN id as externalSystemReference', async () => {
    const transport = await world.transport();
    const outgoing = message();
    const result = await transport.send(outgoing, sendContext());
    const taken = world.adapter.sent.find((m) => m.messageId === outgoing.message.messageId);
    expect(taken).toBeDefined();
    expect(result).toEqual({ externalSystemReference: taken?.nhnId, startPolling: true });
    expect(taken?.documents).toEqual(['dialogmelding.xml', 'vedlegg.pdf']);
    expect(taken?.signer).toBe(world.keys.own.certificate.subject);
    expect([taken?.senderHerId, taken?.receiverHerId]).toEqual([Number(OWN_HER_ID), Number(PEER_HER_ID)]);
  });

  it('puts the primary document first whatever order the files were uploaded in', async () => {
    const transport = await world.transport();
    const outgoing = message({ documents: [DOCUMENTS[1], DOCUMENTS[0]].filter((d) => d !== undefined) });
    await transport.send(outgoing, sendContext());
    expect(world.adapter.sent.find((m) => m.messageId === outgoing.message.messageId)?.documents).toEqual(['dialogmelding.xml', 'vedlegg.pdf']);
  });

  it('sends an application receipt as a forretningsmelding alone', async () => {
    const transport = await world.transport();
    const outgoing = message({ type: 'dialogmelding_kvittering' });
    await transport.send(outgoing, sendContext());
    const taken = world.adapter.sent.find((m) => m.messageId === outgoing.message.messageId);
    expect(taken?.type).toBe('dialogmelding_kvittering');
    expect(taken?.documents).toEqual([]);
  });

  it('sends to the HER id the registry names for a fastlege-for receiver', async () => {
    const transport = await world.transport();
    const outgoing = message({ to: `fastlege-for:${FNR}`, record: fastlegeRecord(PEER_HER_ID) });
    await transport.send(outgoing, sendContext());
    const taken = world.adapter.sent.find((m) => m.messageId === outgoing.message.messageId);
    expect(taken?.receiverHerId).toBe(Number(PEER_HER_ID));
    expect(taken?.sbd.standardBusinessDocumentHeader.receiver?.[0]?.identifier).toEqual({ authority: 'nhn-actorid', value: `her-id:${PEER_HER_ID}` });
  });

  it('does not send again when a retry finds the NHN id of an earlier attempt', async () => {
    const transport = await world.transport();
    const outgoing = message();
    const state: Record<string, string> = {};
    const first = await transport.send(outgoing, sendContext(state));
    const again = await transport.send(outgoing, sendContext(state));
    expect(again.externalSystemReference).toBe(first.externalSystemReference);
    expect(world.adapter.sent.filter((m) => m.messageId === outgoing.message.messageId)).toHaveLength(1);
  });

  it('gets the same NHN id when a request whose answer was lost is posted again', async () => {
    const transport = await world.transport();
    const outgoing = message();
    const first = await transport.send(outgoing, sendContext());
    const again = await transport.send(outgoing, sendContext({ dphPosted: 'true' }));
    expect(again.externalSystemReference).toBe(first.externalSystemReference);
    expect(world.adapter.sent.filter((m) => m.messageId === outgoing.message.messageId)).toHaveLength(1);
  });
});

describe('DPH send failures', () => {
  it('is retryable while the adapter answers 503, and delivers once it is back', async () => {
    const transport = await world.transport();
    const outgoing = message();
    world.adapter.failures.failNext(1, { method: 'POST', path: /\/messages\/out$/ });
    const state: Record<string, string> = {};
    await expect(transport.send(outgoing, sendContext(state))).rejects.toBeInstanceOf(DphAdapterUnavailableError);
    expect(world.adapter.sent.some((m) => m.messageId === outgoing.message.messageId)).toBe(false);
    await transport.send(outgoing, sendContext(state));
    expect(world.adapter.sent.filter((m) => m.messageId === outgoing.message.messageId)).toHaveLength(1);
  });

  it('is retryable when the adapter refuses the token (401)', async () => {
    const transport = await world.transport();
    world.adapter.failures.failNext(1, { method: 'POST', path: /\/messages\/out$/, status: 401 });
    const error: unknown = await transport.send(message(), sendContext()).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PermanentSendError);
    expect(error).toBeInstanceOf(Error);
  });

  it('is permanent when the adapter refuses the message, with its answer as raw receipt', async () => {
    const transport = await world.transport();
    world.adapter.failures.failNext(1, { method: 'POST', path: /\/messages\/out$/, status: 400 });
    const error: unknown = await transport.send(message(), sendContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentSendError);
    expect((error as PermanentSendError).rawReceipt).toContain('Injected failure');
  });

  it('is permanent, and sends nothing, when an attachment is no PDF, PNG or JPEG', async () => {
    const transport = await world.transport();
    const outgoing = message({ documents: [DOCUMENTS[0], { filename: 'vedlegg.pdf', mimetype: 'text/plain', content: VEDLEGG_PDF }].filter((d) => d !== undefined) });
    await expect(transport.send(outgoing, sendContext())).rejects.toThrow(/vedlegg\.pdf is text\/plain/);
    expect(world.adapter.sent.some((m) => m.messageId === outgoing.message.messageId)).toBe(false);
  });

  it('is permanent, and sends nothing, when an attachment is not listed in metadataFiler', async () => {
    const transport = await world.transport();
    const extra = { filename: 'bilde.png', mimetype: 'image/png', content: Buffer.from('not really a png') };
    const outgoing = message({ documents: [...DOCUMENTS, extra] });
    const error: unknown = await transport.send(outgoing, sendContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentSendError);
    expect((error as Error).message).toContain('bilde.png is not listed in metadataFiler');
    expect(world.adapter.sent.some((m) => m.messageId === outgoing.message.messageId)).toBe(false);
  });

  it('is permanent when the primary document is missing', async () => {
    const transport = await world.transport();
    const outgoing = message({ documents: DOCUMENTS.slice(1) });
    await expect(transport.send(outgoing, sendContext())).rejects.toBeInstanceOf(PermanentSendError);
  });

  it('is permanent, and sends nothing, when the files pass the configured upload limit', async () => {
    const limit = DIALOGMELDING_XML.length + VEDLEGG_PDF.length - 1;
    const transport = await world.transport({ config: { 'efm.dph.upload-size-limit': String(limit) } });
    expect(transport.maxBytes).toBe(limit);
    const outgoing = message();
    await expect(transport.send(outgoing, sendContext())).rejects.toThrow(`exceed the DPH limit of ${limit} bytes`);
    expect(world.adapter.sent.some((m) => m.messageId === outgoing.message.messageId)).toBe(false);
    const atLimit = await world.transport({ config: { 'efm.dph.upload-size-limit': String(limit + 1) } });
    await atLimit.send(outgoing, sendContext());
    expect(world.adapter.sent.some((m) => m.messageId === outgoing.message.messageId)).toBe(true);
  });

  it('is permanent when the sender is no HER id the registry knows', async () => {
    const transport = await world.transport();
    const outgoing = message({ from: 'her-id:999999' });
    const error: unknown = await transport.send(outgoing, sendContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentSendError);
    expect((error as Error).message).toContain('her-id:999999');
  });

  it('is permanent when a fastlege-for receiver has no HER id in its record', async () => {
    const transport = await world.transport();
    const outgoing = message({ to: `fastlege-for:${FNR}`, record: fastlegeRecord(null) });
    await expect(transport.send(outgoing, sendContext())).rejects.toBeInstanceOf(PermanentSendError);
  });
});

describe('DPH limits', () => {
  it('defaults to the reference\'s 18 MB upload limit and 24 hours to live', async () => {
    const transport = createDphTransport({
      config: testConfig().dph, ownKey: world.keys.own, tokens: { forOrganisation: () => Promise.resolve('unused') },
      serviceRegistry: { info: () => Promise.reject(new Error('unused')), virksert: () => Promise.reject(new Error('unused')) },
      ids: { next: () => 'unused' }, clock: CLOCK, receiptsEnabled: true, workDir: await world.tempDir(),
    });
    expect(transport.maxBytes).toBe(18 * 1024 * 1024);
    expect(transport.defaultTtlHours).toBe(24);
    expect(transport.service).toBe('DPH');
  });
});
