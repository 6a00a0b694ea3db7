import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { generatedStream, hashingSink, peakRssGrowth } from '../../crypto/memory.js';
import { FEATURE_DOCUMENTS, letter, sendContext, startDpiWorld, type DpiWorld } from './support.js';

// The reference keeps the dokumentpakke in memory up to 1 MB and in a temp file beyond (transports notes
// §7); we always stream it through the ASiC, the CMS and a temp file into the request. A 40 MB attachment
// (under DPI's 50 MB limit) reaches corner 2 whole, while the process's peak RSS stays far below its size.

const ATTACHMENT_BYTES = 40 * 1024 * 1024;
const MAX_GROWTH_BYTES = 24 * 1024 * 1024;

let world: DpiWorld;
beforeAll(async () => { world = await startDpiWorld(); });
afterAll(async () => { await world.close(); });

async function entryDigest(path: string, name: string): Promise<{ digest: string; bytes: number }> {
  const zip = await yauzl.openPromise(path, { lazyEntries: false });
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName !== name) continue;
      const sink = hashingSink();
      await pipeline(await zip.openReadStreamPromise(entry), sink);
      return { digest: sink.digest(), bytes: sink.bytes() };
    }
    throw new Error(`no ${name}`);
  } finally {
    zip.close();
  }
}

describe('DPI send memory', () => {
  it('streams a 40 MB attachment to corner 2 while RSS stays flat', async () => {
    const transport = await world.transport();
    const large = () => letter(world, {
      documents: [...FEATURE_DOCUMENTS, { filename: 'stort.pdf', mimetype: 'application/pdf', title: 'Stort', content: () => generatedStream(ATTACHMENT_BYTES) }],
    });
    // A first letter of the same size warms up the code paths and lets the heap and the allocator reach
    // their working size, so that what is measured is what one more letter costs.
    await transport.send(large(), sendContext());
    const outgoing = large();
    const { growthBytes } = await peakRssGrowth(() => transport.send(outgoing, sendContext()));

    const received = world.corner2.letters.at(-1);
    expect(received?.messageId).toBe(outgoing.message.messageId);
    const expected = hashingSink();
    await pipeline(generatedStream(ATTACHMENT_BYTES), expected);
    expect(await entryDigest(received?.asicPath ?? '', 'stort.pdf')).toEqual({ digest: expected.digest(), bytes: ATTACHMENT_BYTES });
    expect(growthBytes).toBeLessThan(MAX_GROWTH_BYTES);
  }, 120_000);
});
