import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedStream, peakRssGrowth } from '../../crypto/memory.js';
import { outgoingMessage, RECEIVER, SENDER, sendContext, startDpoWorld, type DpoWorld, type Party } from './support.js';

// The reference reads the whole sbd.zip into memory (transports notes §9.4); we stream it. A 200 MB
// attachment goes through ASiC, CMS, zip, the spool file and the upload, and the process's peak RSS must
// stay far below the attachment's size.

const ATTACHMENT_BYTES = 200 * 1024 * 1024;
const MAX_GROWTH_BYTES = 80 * 1024 * 1024;

let world: DpoWorld;
let sender: Party;
let receiverCertificate: string;

beforeAll(async () => {
  world = await startDpoWorld();
  sender = await world.party(SENDER);
  receiverCertificate = (await world.party(RECEIVER)).key.certificate.toString();
});
afterAll(() => world.close());

describe('DPO send memory', () => {
  it('streams a 200 MB attachment to the broker while RSS stays flat', async () => {
    const message = await outgoingMessage({ receiverCertificate }, {
      documents: [
        { filename: 'arkivmelding.xml', mimetype: 'application/xml', content: Buffer.from('<arkivmelding/>') },
        { filename: 'stort.bin', mimetype: 'application/octet-stream', content: () => generatedStream(ATTACHMENT_BYTES) },
      ],
    });
    // Warm up the code paths (undici, tokens, crypto) so their one-off cost is not counted.
    await sender.transport.send(await outgoingMessage({ receiverCertificate }), sendContext());
    const { growthBytes } = await peakRssGrowth(() => sender.transport.send(message, sendContext()));

    const transfer = world.altinn.transfers().at(-1);
    expect(transfer?.status).toBe('Published');
    expect(transfer?.size).toBeGreaterThan(ATTACHMENT_BYTES);
    expect(growthBytes).toBeLessThan(MAX_GROWTH_BYTES);
  }, 180_000);
});
