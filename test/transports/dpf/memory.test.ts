import { setTimeout as sleep } from 'node:timers/promises';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSvarUt } from '../../../src/sandbox/svarut/index.js';
import { generatedStream, hashingSink, peakRssGrowth } from '../../crypto/memory.js';
import { featureArkivmelding, outgoingMessage, sendContext, startDpfWorld, type DpfWorld } from './support.js';

// Each document is CMS-encrypted while it streams into the MTOM request (transports notes §7: "each doc
// CMS-encrypted through a pipe into MTOM"). A 40 MB document proves it two ways: its second half is
// produced only after SvarUt has received the first (so nothing can read it whole first), and sending
// it again does not raise the process's peak RSS by anything like its size.

const DOCUMENT_BYTES = 40 * 1024 * 1024;
const HALF = DOCUMENT_BYTES / 2;
/** What may sit in pipes before SvarUt: the CMS writer's open segment (1 MiB) and a little more. */
const IN_FLIGHT_BYTES = 2 * 1024 * 1024;
const GATE_TIMEOUT_MS = 20_000;

let world: DpfWorld;

beforeAll(async () => {
  world = await startDpfWorld();
});
afterAll(() => world.close());

/** The document, its second half held back until SvarUt has decrypted (nearly) all of the first. */
function gatedDocument(fake: FakeSvarUt): Readable {
  return Readable.from((async function* () {
    const start = fake.receivedDocumentBytes();
    let produced = 0;
    for await (const chunk of generatedStream(DOCUMENT_BYTES)) {
      const before = produced;
      produced += (chunk as Buffer).length;
      yield chunk as Buffer;
      if (before < HALF && produced >= HALF) await untilReceived(fake, start + HALF - IN_FLIGHT_BYTES);
    }
  })(), { objectMode: false });
}

async function untilReceived(fake: FakeSvarUt, bytes: number): Promise<void> {
  const deadline = Date.now() + GATE_TIMEOUT_MS;
  while (fake.receivedDocumentBytes() < bytes) {
    if (Date.now() > deadline) throw new Error('SvarUt did not get the first half of the document before the second was asked for');
    await sleep(20);
  }
}

function largeMessage() {
  return outgoingMessage(world, {
    documents: [
      { filename: 'arkivmelding.xml', mimetype: 'application/xml', content: Buffer.from(featureArkivmelding()) },
      { filename: 'test.txt', mimetype: 'application/octet-stream', content: () => gatedDocument(world.fake), size: DOCUMENT_BYTES },
    ],
  });
}

describe('DPF send memory', () => {
  it('streams a 40 MB document to SvarUt, which decrypts it to the same bytes, reading it only as it is sent', async () => {
    const expected = hashingSink();
    await new Promise<void>((resolve, reject) => generatedStream(DOCUMENT_BYTES).pipe(expected).on('finish', resolve).on('error', reject));
    const message = largeMessage();

    await world.transport().send(message, sendContext());

    const stored = world.fake.forsendelser().find((f) => f.id === message.message.messageId)?.documents[0];
    expect(stored?.size).toBe(DOCUMENT_BYTES);
    expect(stored?.sha256).toBe(expected.digest());
  }, 120_000);

  it('sends the 40 MB document again without raising peak RSS by its size', async () => {
    const transport = world.transport();
    // The first large transfer grows the heap and the allocator's arenas once; that is not the message's.
    await transport.send(largeMessage(), sendContext());

    const { growthBytes } = await peakRssGrowth(() => transport.send(largeMessage(), sendContext()));

    expect(growthBytes).toBeLessThan(DOCUMENT_BYTES);
  }, 120_000);
});
