import { readFile } from 'node:fs/promises';
import { startAnswerLosingProxy } from '../answer-losing-proxy.js';
import { transportContract } from '../contract.js';
import { arkivmeldingXml } from '../dpv/support.js';
import { outgoingMessage, startDpfWorld } from './support.js';

// DPF under the Transport contract: the sandbox's SvarUt, reached through a proxy that can lose the
// answer to a SOAP call; what the receiver gets is each document as SvarUt decrypted it. SvarUt refuses
// for good with the fault texts the reference treats as final.

const SOAP = { method: 'POST', path: /\/ForsendelsesServiceV9$/ };

transportContract({
  service: 'DPF',
  defaults: { maxBytes: 1024 ** 3, ttlHours: 24 },
  async start() {
    const world = await startDpfWorld();
    const proxy = await startAnswerLosingProxy(world.fake.url);
    const forsendelser = (messageId: string) => world.fake.forsendelser().filter((f) => f.eksternref === messageId);
    return {
      limitSetting: 'efm.dpf.upload-size-limit',
      transport: (config = {}) => Promise.resolve(world.transport({ config: { 'difi.move.fiks.ut.endpointUrl': proxy.origin, ...config } })),
      message: (files) => Promise.resolve(outgoingMessage(world, {
        documents: [
          { filename: 'arkivmelding.xml', mimetype: 'application/xml', content: Buffer.from(arkivmeldingXml({ tittel: 'Kontrakt', files: files.map((f) => f.filename) })) },
          ...files.map((f) => ({ ...f })),
        ],
      })),
      failNextTransiently: () => world.fake.failures.failNext(1, { status: 503, ...SOAP }),
      failNextPermanently: () => world.fake.faultNext(1, 'Ugyldig innhold i forsendelsen'),
      loseNextAnswer: () => proxy.loseNextAnswers(1, SOAP),
      deliveries: (messageId) => Promise.resolve(forsendelser(messageId).length),
      async delivered(messageId) {
        const documents = forsendelser(messageId)[0]?.documents ?? [];
        return new Map(await Promise.all(documents.map(async (d) => [d.filnavn, await readFile(d.path)] as const)));
      },
      async close() {
        await proxy.close();
        await world.close();
      },
    };
  },
});
