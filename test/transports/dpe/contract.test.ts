import { cucumberEntry } from '../../crypto/fixtures.js';
import { transportContract } from '../contract.js';
import { cmsOfBody, dpeMessage, openEncryptedAsic, RECEIVER, SENDER, startDpeWorld } from './support.js';

// DPE under the Transport contract: the sandbox's Service Bus, with duplicate detection by MessageId on
// the receiver's queue; what the receiver gets is the `{sbd, asic}` body, its ASiC-E opened with its key.
// The fake can cut the connection after it queued a message, before the answer.

const QUEUE = `nextbestqueue${RECEIVER}innsyn`;
const SEND = { method: 'POST', path: new RegExp(`^/${QUEUE}/messages$`) };

interface QueuedBody {
  sbd?: { standardBusinessDocumentHeader?: { documentIdentification?: { instanceIdentifier?: string } } };
}

transportContract({
  service: 'DPE',
  defaults: { maxBytes: 2 * 1024 ** 2, ttlHours: 24 },
  async start() {
    const world = await startDpeWorld();
    const receiverKey = await cucumberEntry(RECEIVER);
    const queued = (messageId: string) => world.bus.messages(QUEUE).filter((m) => {
      const body = JSON.parse(m.body.toString('utf8')) as QueuedBody;
      return body.sbd?.standardBusinessDocumentHeader?.documentIdentification?.instanceIdentifier === messageId;
    });
    return {
      limitSetting: 'efm.dpe.upload-size-limit',
      transport: async (config = {}) => (await world.party(SENDER, { config })).transport,
      message: (files) => Promise.resolve(dpeMessage(receiverKey.certificate.toString(), { files: files.map((f) => ({ ...f })) })),
      failNextTransiently: () => world.bus.failures.failNext(1, { status: 503, ...SEND }),
      failNextPermanently: () => world.bus.failures.failNext(1, { status: 400, ...SEND }),
      loseNextAnswer: () => world.bus.dropNextAnswers(1),
      deliveries: (messageId) => Promise.resolve(queued(messageId).length),
      async delivered(messageId) {
        const [message] = queued(messageId);
        if (message === undefined) return new Map();
        const { entries } = await openEncryptedAsic(cmsOfBody(message.body), receiverKey);
        return new Map(entries.map((e) => [e.name, e.data]));
      },
      close: () => world.close(),
    };
  },
});
