import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationRecord } from '../../../src/store/index.js';
import type { DphTransport } from '../../../src/transports/dph/index.js';
import { statusUpdatesOf } from '../../../src/transports/dph/status-poll.js';
import { message, OWN_HER_ID, sendContext, startDphWorld, type DphWorld } from './support.js';

// Status polling of sent DPH messages (transports notes §5.6 Status, api notes §4.3): SENDT (by the
// outbox) → MOTTATT on NHN's transport ACKNOWLEDGED → LEVERT on the receiver's application receipt OK;
// FEIL when the transport or the receiver rejects the message. The sandbox adapter is driven by hand.

let world: DphWorld;
let transport: DphTransport;
let nextId = 1;

beforeAll(async () => {
  world = await startDphWorld();
  transport = await world.transport();
});

afterAll(async () => {
  await world.close();
});

beforeEach(() => {
  world.adapter.failures.clear();
});

/** Sends a dialogmelding and returns its conversation as the store would keep it after SENDT. */
async function sent(): Promise<ConversationRecord> {
  const outgoing = message();
  const result = await transport.send(outgoing, sendContext());
  const { message: m } = outgoing;
  return {
    id: nextId++, conversationId: m.conversationId, messageId: m.messageId, senderIdentifier: `her-id:${OWN_HER_ID}`, receiverIdentifier: m.receiverIdentifier,
    processIdentifier: m.processIdentifier, documentIdentifier: m.documentType, externalSystemReference: result.externalSystemReference,
    lastUpdate: new Date(), finished: false, direction: 'OUTGOING', serviceIdentifier: 'DPH', pollable: true,
  };
}

const nhnIdOf = (conversation: ConversationRecord): string => conversation.externalSystemReference ?? '';

describe('DPH pollStatus', () => {
  it('reports nothing while NHN has not confirmed the transport', async () => {
    const conversation = await sent();
    const updates = await transport.pollStatus([conversation], new AbortController().signal);
    expect(updates.has(conversation.id)).toBe(false);
  });

  it('gives MOTTATT on the transport acknowledgement and keeps polling', async () => {
    const conversation = await sent();
    world.adapter.acknowledge(nhnIdOf(conversation));
    const updates = await transport.pollStatus([conversation], new AbortController().signal);
    expect(updates.get(conversation.id)).toEqual([{ status: 'MOTTATT', description: 'Transport acknowledge received', rawReceipt: expect.stringContaining('ACKNOWLEDGED') as unknown }]);
  });

  it('gives LEVERT on an application receipt OK, and stops polling', async () => {
    const conversation = await sent();
    world.adapter.acknowledge(nhnIdOf(conversation));
    world.adapter.applicationReceipt(nhnIdOf(conversation), 'OK');
    const updates = await transport.pollStatus([conversation], new AbortController().signal);
    expect(updates.get(conversation.id)?.map((u) => [u.status, u.description, u.keepPolling])).toEqual([
      ['MOTTATT', 'Transport acknowledge received', undefined],
      ['LEVERT', 'Application receipt has been recieved.', false],
    ]);
  });

  it.each(['REJECTED', 'OK_ERROR_IN_MESSAGE_PART'] as const)('gives FEIL on an application receipt %s, and stops polling', async (receipt) => {
    const conversation = await sent();
    world.adapter.acknowledge(nhnIdOf(conversation));
    world.adapter.applicationReceipt(nhnIdOf(conversation), receipt);
    const updates = await transport.pollStatus([conversation], new AbortController().signal);
    const last = updates.get(conversation.id)?.at(-1);
    expect(last).toMatchObject({ status: 'FEIL', description: 'Message has been rejected by the application', keepPolling: false });
    expect(last?.rawReceipt).toContain(receipt);
  });

  it('gives FEIL when NHN rejects the transport, and stops polling', async () => {
    const conversation = await sent();
    world.adapter.rejectTransport(nhnIdOf(conversation));
    const updates = await transport.pollStatus([conversation], new AbortController().signal);
    expect(updates.get(conversation.id)).toEqual([{ status: 'FEIL', description: 'Message rejected in transport', rawReceipt: expect.stringContaining('REJECTED') as unknown, keepPolling: false }]);
  });

  it('answers each conversation of a batch on its own', async () => {
    const [a, b, c] = [await sent(), await sent(), await sent()];
    world.adapter.acknowledge(nhnIdOf(a));
    world.adapter.rejectTransport(nhnIdOf(c));
    const updates = await transport.pollStatus([a, b, c], new AbortController().signal);
    expect([...updates.keys()].sort()).toEqual([a.id, c.id].sort());
    expect(updates.get(a.id)?.[0]?.status).toBe('MOTTATT');
    expect(updates.get(c.id)?.[0]?.status).toBe('FEIL');
  });

  it('skips a conversation the adapter refuses to answer about, and still answers the others', async () => {
    const [a, b] = [await sent(), await sent()];
    world.adapter.acknowledge(nhnIdOf(b));
    world.adapter.failures.failNext(1, { method: 'GET', path: new RegExp(`${nhnIdOf(a)}/statuses$`), status: 403 });
    const updates = await transport.pollStatus([a, b], new AbortController().signal);
    expect(updates.has(a.id)).toBe(false);
    expect(updates.get(b.id)?.[0]?.status).toBe('MOTTATT');
  });

  it('asks again at once when the adapter fails for a moment', async () => {
    const conversation = await sent();
    world.adapter.acknowledge(nhnIdOf(conversation));
    world.adapter.failures.failNext(2, { method: 'GET', path: /\/statuses$/ });
    const updates = await transport.pollStatus([conversation], new AbortController().signal);
    expect(updates.get(conversation.id)?.[0]?.status).toBe('MOTTATT');
  });

  it('fails the run while the adapter stays down', async () => {
    const conversation = await sent();
    world.adapter.failures.failNext(10, { method: 'GET', path: /\/statuses$/ });
    await expect(transport.pollStatus([conversation], new AbortController().signal)).rejects.toMatchObject({ code: 'EFM_DPH_ADAPTER_UNAVAILABLE' });
  });
});

describe(statusUpdatesOf.name, () => {
  it('reads the enums by value as well as by constant name', () => {
    expect(statusUpdatesOf([{ receiverHerId: 1, transportStatus: 'Acknowledged', apprecStatus: 'OkErrorInMessagePart' }]).map((u) => u.status)).toEqual(['MOTTATT', 'FEIL']);
  });

  it('counts an application receipt as delivery even before the transport acknowledgement shows', () => {
    expect(statusUpdatesOf([{ receiverHerId: 1, transportStatus: 'UNCONFIRMED', apprecStatus: 'OK' }]).map((u) => u.status)).toEqual(['MOTTATT', 'LEVERT']);
  });

  it('gives nothing for an unconfirmed transport without a receipt', () => {
    expect(statusUpdatesOf([{ receiverHerId: 1, transportStatus: 'UNCONFIRMED', apprecStatus: null }])).toEqual([]);
  });
});
