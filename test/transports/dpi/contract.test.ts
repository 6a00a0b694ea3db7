import { startAnswerLosingProxy } from '../answer-losing-proxy.js';
import { transportContract } from '../contract.js';
import { featureDigital, letter, startDpiWorld, zipEntries } from './support.js';

// DPI under the Transport contract: a digital letter to the sandbox's corner 2, reached through a proxy
// that can lose the answer to `POST /messages/out`; the mailbox provider's view is the ASiC-E corner 2
// decrypted with its key.

const SEND = { method: 'POST', path: /\/messages\/out$/ };

transportContract({
  service: 'DPI',
  defaults: { maxBytes: 50 * 1024 ** 2, ttlHours: 24 },
  async start() {
    const world = await startDpiWorld();
    const proxy = await startAnswerLosingProxy(world.corner2.url);
    const letters = (messageId: string) => world.corner2.letters.filter((l) => l.messageId === messageId);
    return {
      limitSetting: 'efm.dpi.upload-size-limit',
      transport: (config = {}) => world.transport({ config: { 'efm.dpi.uri': proxy.via(world.corner2.url), ...config } }),
      message(files) {
        const { metadataFiler: _metadata, ...business } = featureDigital();
        const documents = files.map((f, i) => ({ ...f, primaryDocument: i === 0 }));
        return Promise.resolve(letter(world, { business: { ...business, hoveddokument: files[0]?.filename }, documents }));
      },
      failNextTransiently: () => world.corner2.failures.failNext(1, { status: 503, ...SEND }),
      failNextPermanently: () => world.corner2.failures.failNext(1, { status: 400, ...SEND }),
      loseNextAnswer: () => proxy.loseNextAnswers(1, SEND),
      deliveries: (messageId) => Promise.resolve(letters(messageId).length),
      async delivered(messageId) {
        const [found] = letters(messageId);
        return found === undefined ? new Map() : zipEntries(found.asicPath);
      },
      async close() {
        await proxy.close();
        await world.close();
      },
    };
  },
});
