import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationRecord } from '../../../src/store/index.js';
import { outgoingMessage, PROCESS, RECEIVER, SENDER, sendContext, startDpfWorld, type DpfWorld } from './support.js';

// DPF status polling (transports notes §5.4, api notes §4.3): SvarUt's status of each sent forsendelse,
// of which only LEST counts; a forsendelse SvarUt does not know gives FEIL.

let world: DpfWorld;

beforeAll(async () => {
  world = await startDpfWorld();
});
afterAll(() => world.close());

function conversation(id: number, messageId: string): ConversationRecord {
  return {
    id, conversationId: randomUUID(), messageId, senderIdentifier: SENDER, receiverIdentifier: RECEIVER, processIdentifier: PROCESS,
    documentIdentifier: 'urn:no:difi:arkivmelding:xsd::arkivmelding', lastUpdate: new Date(), finished: true, direction: 'OUTGOING',
    serviceIdentifier: 'DPF', pollable: true,
  };
}

const signal = () => new AbortController().signal;

describe('DPF status polling', () => {
  it('reports nothing while SvarUt has the forsendelse unread, then LEST once read, and stops', async () => {
    const transport = world.transport();
    const message = outgoingMessage(world);
    await transport.send(message, sendContext());
    const sent = [conversation(1, message.message.messageId)];

    expect(await transport.pollStatus?.(sent, signal())).toEqual(new Map());
    world.fake.setStatus(message.message.messageId, 'VARSLET');
    expect(await transport.pollStatus?.(sent, signal())).toEqual(new Map());
    world.fake.setStatus(message.message.messageId, 'LEST');
    expect(await transport.pollStatus?.(sent, signal())).toEqual(new Map([[1, [{ status: 'LEST', keepPolling: false }]]]));
  });

  it('polls the forsendelse a UUID SenderRef named, not the messageId', async () => {
    const transport = world.transport();
    const senderRef = randomUUID();
    const message = outgoingMessage(world, { scopes: [{ type: 'SenderRef', instanceIdentifier: senderRef, identifier: senderRef }] });
    await transport.send(message, sendContext());
    world.fake.setStatus(senderRef, 'LEST');

    expect(await transport.pollStatus?.([conversation(2, message.message.messageId)], signal())).toEqual(new Map([[2, [{ status: 'LEST', keepPolling: false }]]]));
  });

  it('finds the forsendelse by its eksternref when this transport did not note it', async () => {
    const message = outgoingMessage(world);
    await world.transport().send(message, sendContext());
    world.fake.setStatus(message.message.messageId, 'LEST');

    const elsewhere = world.transport();

    expect(await elsewhere.pollStatus?.([conversation(3, message.message.messageId)], signal())).toEqual(new Map([[3, [{ status: 'LEST', keepPolling: false }]]]));
  });

  it('gives FEIL for a message SvarUt has no forsendelse of', async () => {
    const updates = await world.transport().pollStatus?.([conversation(4, randomUUID())], signal());

    expect(updates).toEqual(new Map([[4, [{ status: 'FEIL', description: 'forsendelseId finnes ikke i SvarUt.', keepPolling: false }]]]));
  });

  it('skips a round when SvarUt cannot be reached, and asks again next time', async () => {
    const transport = world.transport();
    const message = outgoingMessage(world);
    await transport.send(message, sendContext());
    world.fake.setStatus(message.message.messageId, 'LEST');
    world.fake.failures.failNext(1, { status: 503 });

    expect(await transport.pollStatus?.([conversation(5, message.message.messageId)], signal())).toEqual(new Map());
    expect(await transport.pollStatus?.([conversation(5, message.message.messageId)], signal())).toEqual(new Map([[5, [{ status: 'LEST', keepPolling: false }]]]));
  });
});
