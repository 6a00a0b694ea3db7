import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { extractAsic } from '../../../src/crypto/index.js';
import type { ServiceIdentifier } from '../../../src/domain/index.js';
import { Inbox, StatusReplies } from '../../../src/engine/inbox/index.js';
import type { ConversationRecord } from '../../../src/store/index.js';
import type { DphTransport } from '../../../src/transports/dph/index.js';
import type { StatusUpdate } from '../../../src/transports/index.js';
import { openTestStore, readAll, silentLog, statusNames, statusRegistry, type TestStore } from '../../engine/support.js';
import {
  CLOCK, DIALOGMELDING_XML, message, OWN_HER_ID, PEER_HER_ID, recordingSink, sendContext, startDphWorld, VEDLEGG_PDF, type DphWorld,
} from './support.js';

// DPH end to end through the sandbox's nhn-adapter, the contract no reference feature gives: one health
// unit sends a dialogmelding (while the adapter fails for a while), the other's poller stores it through
// the real inbox, whose case system finds the documents in the ASiC-E and answers with an application
// receipt; the sender's status polling goes SENDT → MOTTATT → LEVERT (or FEIL), and the receipt itself
// reaches the sender's case system.

let world: DphWorld;
let sender: DphTransport;
let receiver: DphTransport;
let receiving: TestStore;
let inbox: Inbox;

beforeAll(async () => {
  world = await startDphWorld({ receipts: 'manual' });
  sender = await world.transport();
  receiver = await world.transport({ as: 'peer' });
});

afterAll(async () => {
  await world.close();
});

beforeEach(async () => {
  receiving = await openTestStore();
  const statuses = statusRegistry(receiving.store, CLOCK);
  const replies = new StatusReplies({
    store: receiving.store, clock: CLOCK, statusServices: new Set<ServiceIdentifier>(['DPO', 'DPE']), ttlHours: () => 24, onQueued: () => undefined, log: silentLog(),
  });
  inbox = new Inbox({ store: receiving.store, clock: CLOCK, statuses, replies, ownKey: world.keys.peer, maxAsicBytes: 10 * 1024 * 1024, log: silentLog() });
});

afterEach(async () => {
  world.adapter.failures.clear();
  await receiving.cleanup();
});

const signal = (): AbortSignal => new AbortController().signal;

/** Sends as the outbox would: retrying what may pass, with the state kept between attempts. */
async function sendUntilDelivered(outgoing: ReturnType<typeof message>): Promise<ConversationRecord> {
  const state: Record<string, string> = {};
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await sender.send(outgoing, sendContext(state));
      const m = outgoing.message;
      return {
        id: attempt, conversationId: m.conversationId, messageId: m.messageId, senderIdentifier: `her-id:${OWN_HER_ID}`, receiverIdentifier: m.receiverIdentifier,
        processIdentifier: m.processIdentifier, documentIdentifier: m.documentType, externalSystemReference: result.externalSystemReference,
        lastUpdate: CLOCK.now(), finished: false, direction: 'OUTGOING', serviceIdentifier: 'DPH', pollable: true,
      };
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

async function statusesOf(conversation: ConversationRecord): Promise<StatusUpdate[]> {
  return (await sender.pollStatus([conversation], signal())).get(conversation.id) ?? [];
}

/** The receiving case system's answer to a stored dialogmelding, sent through the receiver's transport. */
async function answer(dialogmelding: ReturnType<typeof message>, status: 'OK' | 'REJECTED'): Promise<void> {
  const receipt = message({
    type: 'dialogmelding_kvittering', from: `her-id:${PEER_HER_ID}`, to: `her-id:${OWN_HER_ID}`,
    business: { relatedToMessageId: dialogmelding.message.messageId, status, messages: status === 'OK' ? [] : [{ code: 'E35', text: 'Pasienten finnes ikke i mottakersystemet' }] },
  });
  await receiver.send(receipt, sendContext());
}

describe('DPH end to end', () => {
  it('delivers a dialogmelding once through a flaky adapter, into the receiver\'s inbox, and reaches LEVERT on its receipt', async () => {
    const dialogmelding = message();
    world.adapter.failures.failNext(2, { method: 'POST', path: /\/messages\/out$/ });
    const conversation = await sendUntilDelivered(dialogmelding);
    expect(world.adapter.sent.filter((m) => m.messageId === dialogmelding.message.messageId)).toHaveLength(1);
    expect(await statusesOf(conversation)).toEqual([]);

    world.adapter.acknowledge(conversation.externalSystemReference ?? '');
    expect((await statusesOf(conversation)).map((u) => u.status)).toEqual(['MOTTATT']);

    await receiver.poll(inbox, signal());
    const messageId = dialogmelding.message.messageId;
    expect(await receiving.store.findMessage('INCOMING', messageId)).toMatchObject({ state: 'RECEIVED', serviceIdentifier: 'DPH', sbd: dialogmelding.message.sbd });
    expect(await statusNames(receiving.store, messageId, 'INCOMING')).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT']);
    const [asic] = await receiving.store.listFiles('INCOMING', messageId);
    const folder = join(receiving.blobDir, '..', 'extracted');
    await mkdir(folder, { recursive: true });
    const asicPath = join(folder, 'asic.zip');
    await writeFile(asicPath, await readAll(receiving.store.openFile(asic ?? expect.fail('no asic.zip'))));
    const extracted = await extractAsic(asicPath, folder);
    expect(extracted.documents.map((d) => d.name)).toEqual(['dialogmelding.xml', 'vedlegg.pdf']);
    expect(await readFile(join(folder, 'dialogmelding.xml'))).toEqual(DIALOGMELDING_XML);
    expect(await readFile(join(folder, 'vedlegg.pdf'))).toEqual(VEDLEGG_PDF);
    await rm(folder, { recursive: true, force: true });

    await answer(dialogmelding, 'OK');
    const updates = await statusesOf(conversation);
    expect(updates.map((u) => [u.status, u.keepPolling])).toEqual([['MOTTATT', undefined], ['LEVERT', false]]);

    const senderSink = recordingSink();
    await sender.poll(senderSink, signal());
    const receipts = senderSink.received.filter((r) => r.sbd.standardBusinessDocumentHeader.documentIdentification.type === 'dialogmelding_kvittering');
    expect(receipts.map((r) => r.sbd.dialogmelding_kvittering)).toContainEqual({ relatedToMessageId: messageId, status: 'OK', messages: [] });
  });

  it('ends in FEIL when the receiver rejects the dialogmelding', async () => {
    const dialogmelding = message();
    const conversation = await sendUntilDelivered(dialogmelding);
    world.adapter.acknowledge(conversation.externalSystemReference ?? '');
    await receiver.poll(inbox, signal());
    await answer(dialogmelding, 'REJECTED');
    const last = (await statusesOf(conversation)).at(-1);
    expect(last).toMatchObject({ status: 'FEIL', description: 'Message has been rejected by the application', keepPolling: false });
  });

  it('does not store a dialogmelding twice when the receiver polls again before the read mark took', async () => {
    const dialogmelding = message();
    await sendUntilDelivered(dialogmelding);
    world.adapter.failures.failNext(4, { method: 'POST', path: /\/read$/ });
    await receiver.poll(inbox, signal());
    await receiver.poll(inbox, signal());
    const messageId = dialogmelding.message.messageId;
    expect(await statusNames(receiving.store, messageId, 'INCOMING')).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT']);
    expect(world.adapter.inbox.find((m) => m.businessDocumentId === messageId && !m.isAppRec)?.read).toBe(true);
  });
});
