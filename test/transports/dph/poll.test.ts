import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StandardBusinessDocument } from '../../../src/domain/index.js';
import { sequenceIds } from '../../../src/ids/index.js';
import {
  decryptDokumentpakke, DIALOGMELDING_XML, DOCUMENTS, OWN_HER_ID, PEER_HER_ID, recordingSink, sbdOf, startDphWorld, VEDLEGG_PDF, zipEntries,
  type DphWorld,
} from './support.js';

// The incoming side of DPH (transports notes §5.6 Receive) against the sandbox's nhn-adapter: what waits
// for our HER id is downloaded, opened, checked and offered to the sink, and marked read only after the
// sink has it. A message we cannot take is answered with a REJECTED application receipt.

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

const signal = (): AbortSignal => new AbortController().signal;

/** A dialogmelding from the peer to us, waiting at the adapter. */
async function waitingDialogmelding(overrides: Partial<Parameters<DphWorld['adapter']['deliver']>[0]> = {}): Promise<{ id: string; sbd: StandardBusinessDocument }> {
  const sbd = sbdOf({ from: `her-id:${PEER_HER_ID}`, to: `her-id:${OWN_HER_ID}` });
  const id = await world.adapter.deliver({ sbd, documents: DOCUMENTS.map((d) => ({ name: d.filename, mimetype: d.mimetype, content: d.content })), ...overrides });
  return { id, sbd };
}

const waitingFor = (id: string) => world.adapter.inbox.find((m) => m.id === id);

/** The application receipts we sent about an incoming message. */
const receiptsAbout = (id: string) => world.adapter.sent.filter((m) => m.type === 'dialogmelding_kvittering'
  && (m.sbd.dialogmelding_kvittering as Record<string, unknown> | undefined)?.relatedToMessageId === id);

describe('DPH poll', () => {
  it('offers a dialogmelding with its dokumentpakke still encrypted to us, which opens to the documents', async () => {
    const transport = await world.transport();
    const { id, sbd } = await waitingDialogmelding();
    const sink = recordingSink();
    await transport.poll(sink, signal());
    const received = sink.received.find((r) => r.sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier === sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier);
    expect(received?.sbd).toEqual(sbd);
    const asic = await decryptDokumentpakke(received?.cms ?? Buffer.alloc(0), world.keys.own);
    const entries = await zipEntries(asic);
    expect(entries.get('dialogmelding.xml')).toEqual(DIALOGMELDING_XML);
    expect(entries.get('vedlegg.pdf')).toEqual(VEDLEGG_PDF);
    expect(waitingFor(id)?.read).toBe(true);
  });

  it('marks a message read only after the sink has taken it', async () => {
    const transport = await world.transport();
    const { id } = await waitingDialogmelding();
    const readWhileAccepting: boolean[] = [];
    await transport.poll(recordingSink({ during: () => { readWhileAccepting.push(waitingFor(id)?.read ?? true); } }), signal());
    expect(readWhileAccepting).toContain(false);
    expect(waitingFor(id)?.read).toBe(true);
  });

  it('leaves a message the sink failed to take at the adapter, and offers it again on the next poll', async () => {
    const transport = await world.transport();
    const { id } = await waitingDialogmelding();
    const failing = { accept: () => Promise.reject(new Error('the store is down')), applyReceipt: () => Promise.resolve() };
    await transport.poll(failing, signal());
    expect(waitingFor(id)?.read).toBe(false);
    const sink = recordingSink();
    await transport.poll(sink, signal());
    expect(sink.received.length).toBeGreaterThan(0);
    expect(waitingFor(id)?.read).toBe(true);
  });

  it('does not answer a dialogmelding itself while the case system answers receipts', async () => {
    const transport = await world.transport();
    const { id } = await waitingDialogmelding();
    await transport.poll(recordingSink(), signal());
    expect(receiptsAbout(id)).toEqual([]);
  });

  it('answers a dialogmelding with an application receipt OK when the case system does not', async () => {
    const transport = await world.transport({ options: { receiptsEnabled: false, ids: sequenceIds(['6a0e3a57-8a10-4e3c-a5d2-0c6a1c1b9f01']) } });
    const { id, sbd } = await waitingDialogmelding();
    const sink = recordingSink();
    await transport.poll(sink, signal());
    expect(sink.received.some((r) => r.sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier === sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier)).toBe(true);
    const [receipt, ...more] = receiptsAbout(id);
    expect(more).toEqual([]);
    expect(receipt).toMatchObject({ messageId: '6a0e3a57-8a10-4e3c-a5d2-0c6a1c1b9f01', senderHerId: Number(OWN_HER_ID), receiverHerId: Number(PEER_HER_ID) });
    expect(receipt?.sbd.dialogmelding_kvittering).toEqual({ relatedToMessageId: id, status: 'OK', messages: [] });
    expect(receipt?.conversationId).toBe(sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier);
    expect(waitingFor(id)?.read).toBe(true);
  });

  it('offers an application receipt to the case system when it answers receipts', async () => {
    const transport = await world.transport();
    const receipt = sbdOf({ type: 'dialogmelding_kvittering', from: `her-id:${PEER_HER_ID}`, to: `her-id:${OWN_HER_ID}` });
    const id = await world.adapter.deliver({ sbd: receipt });
    const sink = recordingSink();
    await transport.poll(sink, signal());
    expect(sink.received.map((r) => r.sbd)).toContainEqual(receipt);
    expect(waitingFor(id)?.read).toBe(true);
    expect(receiptsAbout(id)).toEqual([]);
  });

  it('reads an application receipt without offering it when the case system does not answer receipts', async () => {
    const transport = await world.transport({ options: { receiptsEnabled: false } });
    const receipt = sbdOf({ type: 'dialogmelding_kvittering', from: `her-id:${PEER_HER_ID}`, to: `her-id:${OWN_HER_ID}` });
    const id = await world.adapter.deliver({ sbd: receipt });
    const sink = recordingSink();
    await transport.poll(sink, signal());
    expect(sink.received.map((r) => r.sbd)).not.toContainEqual(receipt);
    // Still the answer to our dialogmelding: its status is registered all the same.
    expect(sink.receiptsApplied).toEqual([receipt]);
    expect(waitingFor(id)?.read).toBe(true);
    expect(receiptsAbout(id)).toEqual([]);
  });

  it('takes only what waits for its own HER ids', async () => {
    const transport = await world.transport();
    const forOther = sbdOf({ from: `her-id:${OWN_HER_ID}`, to: 'her-id:1234567' });
    const id = await world.adapter.deliver({ sbd: forOther, documents: [{ name: 'dialogmelding.xml', mimetype: 'application/xml', content: DIALOGMELDING_XML }] });
    const sink = recordingSink();
    await transport.poll(sink, signal());
    expect(sink.received.map((r) => r.sbd)).not.toContainEqual(forOther);
    expect(waitingFor(id)?.read).toBe(false);
  });
});

describe('DPH poll rejections', () => {
  it.each([
    ['signed by someone other than the adapter', async () => (await waitingDialogmelding({ signer: world.keys.peer })).id, 'S02'],
    ['holding no SBD', async () => (await waitingDialogmelding({ payload: '{"not":"an sbd"}' })).id, 'T99'],
    ['of a type DPH does not carry', async () => {
      const sbd = sbdOf({ from: `her-id:${PEER_HER_ID}`, to: `her-id:${OWN_HER_ID}` });
      sbd.standardBusinessDocumentHeader.documentIdentification.standard = 'urn:no:difi:arkivmelding:xsd::arkivmelding';
      sbd.standardBusinessDocumentHeader.documentIdentification.type = 'arkivmelding';
      sbd.arkivmelding = { hoveddokument: 'dialogmelding.xml' };
      delete sbd.dialogmelding;
      return world.adapter.deliver({ sbd });
    }, 'T10'],
  ])('answers a message %s with a REJECTED receipt, offers nothing and marks it read', async (_what, queue, code) => {
    const transport = await world.transport();
    const id = await queue();
    const sink = recordingSink();
    await transport.poll(sink, signal());
    expect(sink.received).toEqual([]);
    const [receipt, ...more] = receiptsAbout(id);
    expect(more).toEqual([]);
    expect(receipt?.sbd.dialogmelding_kvittering).toMatchObject({ relatedToMessageId: id, status: 'REJECTED', messages: [expect.objectContaining({ code }) as unknown] });
    expect(waitingFor(id)?.read).toBe(true);
  });

  it('answers a message the sink rejects (a corrupt dokumentpakke) with a REJECTED receipt', async () => {
    const transport = await world.transport();
    const { id } = await waitingDialogmelding();
    await transport.poll(recordingSink({ outcome: 'rejected' }), signal());
    expect(receiptsAbout(id)[0]?.sbd.dialogmelding_kvittering).toMatchObject({ status: 'REJECTED', messages: [{ code: 'T99', text: 'Annen feil på format' }] });
    expect(waitingFor(id)?.read).toBe(true);
  });

  it('rejects a dokumentpakke past the configured size limit', async () => {
    const transport = await world.transport({ config: { 'efm.dph.upload-size-limit': '1KB' } });
    // Random bytes do not deflate: the dokumentpakke stays past the 1 KB limit and its 4 MB allowance.
    const big = randomBytes(6 * 1024 * 1024);
    const { id } = await waitingDialogmelding({ documents: [{ name: 'dialogmelding.xml', mimetype: 'application/xml', content: big }] });
    const sink = recordingSink();
    await transport.poll(sink, signal());
    expect(sink.received).toEqual([]);
    expect(receiptsAbout(id)[0]?.sbd.dialogmelding_kvittering).toMatchObject({ status: 'REJECTED', messages: [{ code: 'T99' }] });
  });
});

describe('DPH poll failures', () => {
  it('downloads again at once after a passing failure of the adapter', async () => {
    const transport = await world.transport();
    const { id } = await waitingDialogmelding();
    world.adapter.failures.failNext(2, { method: 'POST', path: /\/messages\/in$/ });
    const sink = recordingSink();
    await transport.poll(sink, signal());
    expect(waitingFor(id)?.read).toBe(true);
    expect(waitingFor(id)?.downloads).toBe(1);
  });

  it('leaves a message that cannot be downloaded for the next poll, and goes on with the others', async () => {
    const transport = await world.transport();
    const first = await waitingDialogmelding();
    const second = await waitingDialogmelding();
    world.adapter.failures.failNext(4, { method: 'POST', path: /\/messages\/in$/ });
    const sink = recordingSink();
    await transport.poll(sink, signal());
    expect(waitingFor(first.id)?.read).toBe(false);
    expect(waitingFor(second.id)?.read).toBe(true);
    expect(receiptsAbout(first.id)).toEqual([]);
    await transport.poll(sink, signal());
    expect(waitingFor(first.id)?.read).toBe(true);
  });

  it('fails the poll while the adapter cannot list what waits', async () => {
    const transport = await world.transport();
    world.adapter.failures.failNext(4, { method: 'GET', path: /\/messages\/in$/ });
    await expect(transport.poll(recordingSink(), signal())).rejects.toMatchObject({ code: 'EFM_DPH_ADAPTER_UNAVAILABLE' });
  });

  it('skips a HER id the registry does not know and polls the others', async () => {
    const transport = await world.transport({ config: { 'efm.dph.her-ids': ['999999', OWN_HER_ID] } });
    const { id } = await waitingDialogmelding();
    await transport.poll(recordingSink(), signal());
    expect(waitingFor(id)?.read).toBe(true);
  });
});
