import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCmsEncryptStream } from '../../../src/crypto/index.js';
import {
  dpeMessage, dpeSbd, openEncryptedAsic, RECEIVER, recordingSink, SENDER, sendContext, startDpeWorld, type DpeWorld, type Party,
} from './support.js';

// DPE receive against the sandbox's Service Bus: peek-lock, hand to the sink, delete only after the sink
// took the message (transports notes §5.5 receive).

const OWN_QUEUE = `nextbestqueue${SENDER}innsyn`;
const signal = new AbortController().signal;
let world: DpeWorld;
let own: Party;
let peer: Party;

beforeAll(async () => {
  world = await startDpeWorld();
  own = await world.party(SENDER);
  peer = await world.party(RECEIVER);
});
afterAll(() => world.close());
afterEach(async () => {
  world.bus.failures.clear();
  // Every test starts with an empty queue: let locks expire, then take whatever is left.
  world.clock.advance(10 * 60_000);
  await own.transport.poll?.(recordingSink(), signal);
  expect(world.bus.refusals).toEqual([]);
});

async function cmsTo(party: Party, content: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from([content]).pipe(createCmsEncryptStream({ recipient: party.key.certificate }))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The body the conformance harness puts on the bus (CONTRACT.md §9.6): asic = base64 of the base64 text of the CMS. */
function busBody(sbd: unknown, cms?: Buffer): string {
  return JSON.stringify(cms === undefined ? { sbd } : { sbd, asic: Buffer.from(cms.toString('base64'), 'ascii').toString('base64') });
}

async function poll(sink: ReturnType<typeof recordingSink>): Promise<void> {
  const run = own.transport.poll;
  if (run === undefined) throw new Error('DPE must poll');
  await run(sink, signal);
}

describe('DPE poll', () => {
  it('hands each message to the sink with its SBD and the CMS as it came, then deletes it', async () => {
    const cms = await cmsTo(own, Buffer.from('an ASiC-E'));
    const sbd = dpeSbd({ messageId: randomUUID(), from: RECEIVER, to: SENDER });
    world.bus.enqueue(OWN_QUEUE, busBody(sbd, cms));
    world.bus.enqueue(OWN_QUEUE, busBody(dpeSbd({ messageId: randomUUID(), type: 'status', from: RECEIVER, to: SENDER })));
    const sink = recordingSink();

    await poll(sink);

    expect(sink.received).toEqual([
      { sbd, asic: cms, encrypted: true },
      { sbd: expect.objectContaining({ status: { status: 'MOTTATT' } }) as unknown },
    ]);
    expect(world.bus.messages(OWN_QUEUE)).toEqual([]);
  });

  it('reads our own queue only: the one of our mode', async () => {
    world.bus.enqueue(`nextbestqueue${SENDER}data`, busBody(dpeSbd({ messageId: randomUUID(), type: 'status' })));
    const sink = recordingSink();

    await poll(sink);

    expect(sink.received).toEqual([]);
    expect(world.bus.messages(`nextbestqueue${SENDER}data`)).toHaveLength(1);
  });

  it('does not delete a message the sink did not take, and delivers it again once its lock expired', async () => {
    const sbd = dpeSbd({ messageId: randomUUID(), from: RECEIVER, to: SENDER });
    world.bus.enqueue(OWN_QUEUE, busBody(sbd, await cmsTo(own, Buffer.from('x'))));
    const failing = recordingSink(() => { throw new Error('store down'); });

    await poll(failing);
    expect(world.bus.messages(OWN_QUEUE)).toHaveLength(1);

    const working = recordingSink();
    await poll(working);
    expect(working.received).toEqual([]);

    world.clock.advance(61_000);
    await poll(working);
    expect(working.received.map((r) => r.sbd)).toEqual([sbd]);
    expect(world.bus.messages(OWN_QUEUE)).toEqual([]);
  });

  it('deletes what is no DPE message without handing it on, and goes on with the next', async () => {
    const sbd = dpeSbd({ messageId: randomUUID(), type: 'status' });
    world.bus.enqueue(OWN_QUEUE, 'not json');
    world.bus.enqueue(OWN_QUEUE, JSON.stringify({ sbd: { standardBusinessDocumentHeader: {} } }));
    world.bus.enqueue(OWN_QUEUE, busBody(sbd));
    const sink = recordingSink();

    await poll(sink);

    expect(sink.received.map((r) => r.sbd)).toEqual([sbd]);
    expect(world.bus.messages(OWN_QUEUE)).toEqual([]);
  });

  it('deletes duplicates and expired messages too, once the sink has decided', async () => {
    world.bus.enqueue(OWN_QUEUE, busBody(dpeSbd({ messageId: randomUUID(), type: 'status' })));
    world.bus.enqueue(OWN_QUEUE, busBody(dpeSbd({ messageId: randomUUID(), type: 'status' })));
    const outcomes = ['duplicate', 'expired'] as const;
    let at = 0;
    const sink = recordingSink(() => outcomes[at++] ?? 'stored');

    await poll(sink);

    expect(sink.received).toHaveLength(2);
    expect(world.bus.messages(OWN_QUEUE)).toEqual([]);
  });

  it('ends a run with an error the job can report when the Service Bus is unavailable', async () => {
    world.bus.failures.failNext(1, { status: 503 });
    await expect(poll(recordingSink())).rejects.toThrow(/503/);
  });
});

describe('DPE between two organisations', () => {
  it('delivers what one sends to the other\'s queue, whose poll decrypts to the documents sent', async () => {
    const messageId = randomUUID();
    await peer.transport.send(dpeMessage(own.key.certificate.toString(), { messageId, from: RECEIVER, to: SENDER, endpointUrl: 'innsyn' }), sendContext());
    const sink = recordingSink();

    await poll(sink);

    const [received] = sink.received;
    expect(received?.sbd).toEqual(dpeSbd({ messageId, from: RECEIVER, to: SENDER }));
    const { result, entries } = await openEncryptedAsic(received?.asic ?? Buffer.alloc(0), own.key);
    expect(result.signature?.signer.subject).toContain(RECEIVER);
    expect(entries.find((e) => e.name === 'test.txt')?.data.toString('utf8')).toBe('Testing 1 2 3');
  });
});
