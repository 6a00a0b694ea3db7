import { Readable } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixedClock } from '../../src/clock/index.js';
import { createCmsEncryptStream, type KeystoreEntry } from '../../src/crypto/index.js';
import { createEngine, EngineSetupError, type Engine } from '../../src/engine/index.js';
import { JobRegistry } from '../../src/engine/jobs/index.js';
import { IncomingMessages } from '../../src/messages/incoming.js';
import type { IncomingMessage, OutgoingMessage, SendContext, SendResult } from '../../src/transports/index.js';
import { cucumberEntry } from '../crypto/fixtures.js';
import { FakeTransport } from './fake-transport.js';
import { NOW, openTestStore, OWN, PEER, queueOutgoing, readAll, silentLog, statusNames, statusRegistry, type TestStore } from './support.js';

/**
 * A DPO stand-in joining two engines: what one sends lands in the other's poll, its files put in one
 * stand-in "ASiC-E" and CMS-encrypted to the receiver's certificate, as the broker would carry it.
 */
class LinkedTransport extends FakeTransport {
  peer: LinkedTransport | undefined;

  constructor(private readonly receiverCertificate: () => KeystoreEntry) {
    super('DPO');
  }

  override async send(message: OutgoingMessage, context: SendContext): Promise<SendResult> {
    const result = await super.send(message, context);
    const sent = this.sent.at(-1);
    if (!this.peer || !sent) throw new Error('not linked');
    const asic = sent.files.length === 0 ? undefined : Buffer.from(sent.files.map((f) => `${f.filename}=${f.content}`).join(';'));
    const incoming: IncomingMessage = { sbd: sent.sbd };
    if (asic) {
      const cms = await readAll(Readable.from([asic]).pipe(createCmsEncryptStream({ recipient: this.receiverCertificate().certificate })));
      incoming.asic = { content: Readable.from([cms]), encrypted: true };
    }
    this.peer.incoming.push(incoming);
    return result;
  }
}

describe(createEngine.name, () => {
  let keys: Record<string, KeystoreEntry>;
  const stores: TestStore[] = [];
  const engines: Engine[] = [];

  beforeAll(async () => {
    keys = { [OWN]: await cucumberEntry(OWN), [PEER]: await cucumberEntry(PEER) };
  });

  beforeEach(() => {
    stores.length = 0;
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.outbox.stop()));
    for (const t of stores) await t.cleanup();
  });

  async function node(org: string, transport: FakeTransport) {
    const t = await openTestStore();
    stores.push(t);
    const clock = fixedClock(NOW);
    const statuses = statusRegistry(t.store, clock);
    const engine = createEngine({
      store: t.store, clock, statuses, transports: [transport], resolveRecord: async () => undefined,
      ownKey: keys[org] ?? expect.fail(`no key for ${org}`), log: silentLog(),
    });
    engines.push(engine);
    const registry = new JobRegistry(silentLog());
    for (const job of engine.jobs) registry.register(job);
    const incoming = new IncomingMessages({
      store: t.store, clock, statuses, lockTimeoutMs: 60_000, log: silentLog(),
      onDelivered: (message) => engine.inbox.onDelivered(message),
    });
    return { store: t.store, engine, registry, incoming };
  }

  it('refuses two transports for one service', async () => {
    const t = await openTestStore();
    stores.push(t);
    const clock = fixedClock(NOW);
    expect(() => createEngine({
      store: t.store, clock, statuses: statusRegistry(t.store, clock), transports: [new FakeTransport('DPO'), new FakeTransport('DPO')],
      resolveRecord: async () => undefined, ownKey: keys[OWN] ?? expect.fail('no key'), log: silentLog(),
    })).toThrow(EngineSetupError);
  });

  it('offers ttl-check, status-poll and one poll job per transport that polls', async () => {
    const { engine } = await node(OWN, new FakeTransport('DPO'));
    expect(engine.jobs.map((j) => [j.name, j.schedule])).toEqual([
      ['ttl-check', '*/30 * * * * *'], ['status-poll', '0 * * * * *'], ['dpo-poll', '*/15 * * * * *'],
    ]);
  });

  it('carries a message from one engine to another and the statuses back: SENDT, MOTTATT, LEVERT', async () => {
    const senderTransport = new LinkedTransport(() => keys[PEER] ?? expect.fail('no key'));
    const receiverTransport = new LinkedTransport(() => keys[OWN] ?? expect.fail('no key'));
    senderTransport.peer = receiverTransport;
    receiverTransport.peer = senderTransport;
    const sender = await node(OWN, senderTransport);
    const receiver = await node(PEER, receiverTransport);
    sender.engine.outbox.start();
    receiver.engine.outbox.start();

    const { messageId } = await queueOutgoing(sender.store, { files: [{ filename: 'arkivmelding.xml', content: '<arkivmelding/>' }] });
    sender.engine.outbox.wake();
    await vi.waitFor(async () => expect(await statusNames(sender.store, messageId)).toEqual(['OPPRETTET', 'SENDT']));

    await receiver.registry.run('dpo-poll');
    expect(await statusNames(receiver.store, messageId, 'INCOMING')).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT']);
    const peeked = await receiver.incoming.peek({});
    expect(peeked?.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).toBe(messageId);
    const popped = await receiver.incoming.pop(messageId);
    expect((await readAll(popped?.content ?? expect.fail('nothing popped'))).toString()).toBe('arkivmelding.xml=<arkivmelding/>');

    await vi.waitFor(() => expect(senderTransport.incoming).toHaveLength(1));
    await sender.registry.run('dpo-poll');
    expect(await statusNames(sender.store, messageId)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT']);

    await receiver.incoming.remove(messageId);
    await vi.waitFor(() => expect(senderTransport.incoming).toHaveLength(1));
    await sender.registry.run('dpo-poll');
    expect(await statusNames(sender.store, messageId)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    expect(await statusNames(receiver.store, messageId, 'INCOMING')).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT']);
    expect(await receiver.store.findConversationByMessageId(messageId, 'OUTGOING')).toBeUndefined();
  });
});
