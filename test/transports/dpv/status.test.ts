import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationRecord } from '../../../src/store/index.js';
import type { Transport } from '../../../src/transports/index.js';
import { dpvMessage, RECEIVER, sendContext, startDpvWorld, type DpvWorld } from './support.js';

// DPV status polling against the sandbox's correspondence API (transports notes §5.2; api notes §4.3).

let world: DpvWorld;
let transport: Transport;
const signal = new AbortController().signal;
let nextId = 1;

beforeAll(async () => {
  world = await startDpvWorld();
  transport = world.transport();
});
afterAll(() => world.close());
afterEach(() => world.fake.failures.clear());

function conversation(externalSystemReference: string | undefined): ConversationRecord {
  return {
    id: nextId++, conversationId: randomUUID(), messageId: randomUUID(), receiverIdentifier: RECEIVER,
    processIdentifier: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0', documentIdentifier: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
    externalSystemReference, lastUpdate: new Date(), finished: false, direction: 'OUTGOING', serviceIdentifier: 'DPV', pollable: true,
  };
}

async function sent(): Promise<ConversationRecord> {
  const result = await transport.send(dpvMessage({ messageId: randomUUID() }), sendContext());
  return conversation(result.externalSystemReference);
}

async function poll(...conversations: ConversationRecord[]) {
  const pollStatus = transport.pollStatus;
  if (pollStatus === undefined) throw new Error('DPV must poll statuses');
  return pollStatus(conversations, signal);
}

describe('DPV status polling', () => {
  it('reports nothing while the correspondence is not yet published', async () => {
    const c = await sent();
    expect((await poll(c)).get(c.id)).toEqual([]);
  });

  it('reports LEVERT once published and LEST once read, which ends polling', async () => {
    const c = await sent();
    world.fake.setStatus(c.externalSystemReference ?? '', 'Published');
    expect((await poll(c)).get(c.id)).toEqual([{ status: 'LEVERT' }]);

    world.fake.setStatus(c.externalSystemReference ?? '', 'Read');
    expect((await poll(c)).get(c.id)).toEqual([{ status: 'LEVERT' }, { status: 'LEST', keepPolling: false }]);
  });

  it('reaches LEST through a fake that moves correspondences on at each poll', async () => {
    const advancing = await startDpvWorld({ advanceOnOverview: true });
    try {
      const own = advancing.transport();
      const result = await own.send(dpvMessage({ messageId: randomUUID() }), sendContext());
      const c = conversation(result.externalSystemReference);
      const seen: string[] = [];
      for (let i = 0; i < 3 && !seen.includes('LEST'); i++) {
        for (const update of (await own.pollStatus?.([c], signal))?.get(c.id) ?? []) if (!seen.includes(update.status)) seen.push(update.status);
      }
      expect(seen).toEqual(['LEVERT', 'LEST']);
    } finally {
      await advancing.close();
    }
  });

  it('reports ANNET and stops polling when the recipient purged the correspondence', async () => {
    const c = await sent();
    world.fake.setStatus(c.externalSystemReference ?? '', 'PurgedByRecipient');
    expect((await poll(c)).get(c.id)).toEqual([{ status: 'ANNET', description: 'PurgedByRecipient', keepPolling: false }]);
  });

  it('reports ANNET and goes on polling for a failed correspondence', async () => {
    const c = await sent();
    world.fake.setStatus(c.externalSystemReference ?? '', 'Failed');
    expect((await poll(c)).get(c.id)).toEqual([{ status: 'ANNET', description: 'Failed' }]);
  });

  it('reports ANNET "deleted" and stops polling when Altinn no longer knows the correspondence', async () => {
    const c = conversation(randomUUID());
    expect((await poll(c)).get(c.id)).toEqual([{ status: 'ANNET', description: 'Melding slettet i Altinn, stopper polling.', keepPolling: false }]);
  });

  it('skips a correspondence whose status is unavailable now, and one without a correspondenceId', async () => {
    const [a, b] = [await sent(), await sent()];
    world.fake.setStatus(b.externalSystemReference ?? '', 'Published');
    world.fake.failures.failNext(1, { status: 503, path: new RegExp(a.externalSystemReference ?? '') });
    const withoutId = conversation(undefined);

    const updates = await poll(a, b, withoutId);

    expect([...updates.keys()]).toEqual([b.id]);
    expect(updates.get(b.id)).toEqual([{ status: 'LEVERT' }]);
  });
});
