import { readFile } from 'node:fs/promises';
import type { FileTransfer } from '../../../src/sandbox/index.js';
import { startAnswerLosingProxy } from '../answer-losing-proxy.js';
import { transportContract } from '../contract.js';
import { openEncryptedAsic, outgoingMessage, RECEIVER, SENDER, startDpoWorld, zipEntries } from './support.js';

// DPO under the Transport contract: the sandbox's Altinn broker, reached through a proxy that can lose
// the answer to an upload; what the receiver gets is the uploaded sbd.zip, opened with its key.

const UPLOAD = { method: 'POST', path: /\/filetransfer\/[^/]+\/upload$/ };
const INITIALIZE = { method: 'POST', path: /\/filetransfer\/?$/ };

transportContract({
  service: 'DPO',
  defaults: { maxBytes: 1024 ** 3, ttlHours: 24 },
  async start() {
    const world = await startDpoWorld();
    const proxy = await startAnswerLosingProxy(world.altinn.url);
    const receiver = await world.party(RECEIVER);
    const receiverCertificate = receiver.key.certificate.toString();

    const uploaded = async (messageId: string): Promise<Buffer[]> => {
      const zips = await Promise.all(world.altinn.transfers().filter((t): t is FileTransfer & { path: string } => t.path !== undefined).map((t) => readFile(t.path)));
      const matching: Buffer[] = [];
      for (const zip of zips) {
        const entries = await zipEntries(zip);
        const sbd = entries.find((e) => e.name === 'sbd.json')?.data.toString('utf8') ?? '';
        if (sbd.includes(`"instanceIdentifier":"${messageId}"`)) matching.push(zip);
      }
      return matching;
    };

    return {
      limitSetting: 'efm.dpo.upload-size-limit',
      transport: async (config = {}) => (await world.party(SENDER, { config: { 'efm.dpo.brokerservice-url': proxy.via(world.altinn.brokerUrl), ...config } })).transport,
      message: (files) => outgoingMessage({ receiverCertificate }, { documents: files.map((f) => ({ ...f })) }),
      failNextTransiently: () => world.altinn.failures.failNext(1, { status: 503, ...UPLOAD }),
      failNextPermanently: () => world.altinn.failures.failNext(1, { status: 400, ...INITIALIZE }),
      loseNextAnswer: () => proxy.loseNextAnswers(1, UPLOAD),
      deliveries: async (messageId) => (await uploaded(messageId)).length,
      async delivered(messageId) {
        const [zip] = await uploaded(messageId);
        const cms = zip === undefined ? undefined : (await zipEntries(zip)).find((e) => e.name === 'asic.zip')?.data;
        if (cms === undefined) return new Map();
        const { entries } = await openEncryptedAsic(cms, receiver.key);
        return new Map(entries.map((e) => [e.name, e.data]));
      },
      async close() {
        await proxy.close();
        await world.close();
      },
    };
  },
});
