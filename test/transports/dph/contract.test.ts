import { readFile } from 'node:fs/promises';
import { startAnswerLosingProxy } from '../answer-losing-proxy.js';
import { transportContract } from '../contract.js';
import { DIALOGMELDING_XML, dialogmeldingBody, message, startDphWorld, zipEntries } from './support.js';

// DPH under the Transport contract: a dialogmelding with PDF attachments to the sandbox's nhn-adapter,
// reached through a proxy that can lose the answer to `POST /messages/out`; what NHN carries on is the
// ASiC-E the adapter decrypted with its key.

const SEND = { method: 'POST', path: /\/messages\/out$/ };

transportContract({
  service: 'DPH',
  defaults: { maxBytes: 18 * 1024 ** 2, ttlHours: 24 },
  async start() {
    const world = await startDphWorld();
    const proxy = await startAnswerLosingProxy(world.adapter.url);
    const sent = (messageId: string) => world.adapter.sent.filter((m) => m.messageId === messageId);
    return {
      limitSetting: 'efm.dph.upload-size-limit',
      transport: (config = {}) => world.transport({ config: { 'efm.dph.uri': proxy.via(world.adapter.url), ...config } }),
      message: (files) => Promise.resolve(message({
        documents: [{ filename: 'dialogmelding.xml', mimetype: 'application/xml', content: DIALOGMELDING_XML }, ...files],
        business: {
          ...dialogmeldingBody(),
          metadataFiler: Object.fromEntries(files.map((f) => [f.filename, { issueDate: '2030-01-14T10:00:00Z', description: f.filename }])),
        },
      })),
      failNextTransiently: () => world.adapter.failures.failNext(1, { status: 503, ...SEND }),
      failNextPermanently: () => world.adapter.failures.failNext(1, { status: 400, ...SEND }),
      loseNextAnswer: () => proxy.loseNextAnswers(1, SEND),
      deliveries: (messageId) => Promise.resolve(sent(messageId).length),
      async delivered(messageId) {
        const asicPath = sent(messageId)[0]?.asicPath;
        return asicPath === undefined ? new Map() : zipEntries(await readFile(asicPath));
      },
      async close() {
        await proxy.close();
        await world.close();
      },
    };
  },
});
