import { randomUUID } from 'node:crypto';
import { transportContract } from '../contract.js';
import { arkivmeldingXml, dpvMessage, startDpvWorld } from './support.js';

// DPV under the Transport contract: the sandbox's Altinn 3 correspondence API. The arkivmelding names
// the documents, which become the correspondence's attachments; the fake can cut the connection after it
// made a correspondence, before the answer.

const UPLOAD = { method: 'POST', path: /\/correspondence\/upload$/ };

transportContract({
  service: 'DPV',
  defaults: { maxBytes: 250 * 1024 ** 2, ttlHours: 24 },
  async start() {
    const world = await startDpvWorld();
    const made = (messageId: string) => world.fake.correspondences.filter((c) => c.sendersReference === messageId);
    return {
      limitSetting: 'efm.dpv.upload-size-limit',
      transport: (config = {}) => Promise.resolve(world.transport(config)),
      message: (files) => Promise.resolve(dpvMessage({
        messageId: randomUUID(),
        files: [
          { filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel: 'Kontrakt', files: files.map((f) => f.filename) }) },
          ...files.map((f) => ({ filename: f.filename, content: f.content })),
        ],
      })),
      failNextTransiently: () => world.fake.failures.failNext(1, { status: 503, ...UPLOAD }),
      failNextPermanently: () => world.fake.failures.failNext(1, { status: 400, ...UPLOAD }),
      loseNextAnswer: () => world.fake.dropNextAnswers(1),
      deliveries: (messageId) => Promise.resolve(made(messageId).length),
      delivered: (messageId) => Promise.resolve(new Map((made(messageId)[0]?.attachments ?? []).map((a) => [a.fileName, a.content]))),
      close: () => world.close(),
    };
  },
});
