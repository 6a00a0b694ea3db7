import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError, type ServiceIdentifier } from '../../src/domain/index.js';
import { PermanentSendError, type OutgoingMessage, type Transport } from '../../src/transports/index.js';
import { sendContext as contractContext } from './support.js';

// The one Transport contract (STYLE.md "one contract suite per port"), run against DPO, DPV, DPI, DPF,
// DPE and DPH, each over its sandbox fake: a message with files reaches the peer readable (packing);
// the service's size limit holds at the byte; a transient failure is retryable and a refusal is
// permanent; a resend with the saved SendContext state after a lost answer reaches the peer once. What
// is special about one service stays in its own tests beside this file.

export interface ContractFile {
  filename: string;
  mimetype: string;
  content: Buffer;
}

/** One service's transport over its fake, as the contract drives it. */
export interface TransportUnderTest {
  /** A sending transport over the fake; `config` overrides settings (canonical keys or reference aliases). */
  transport(config?: Record<string, unknown>): Promise<Transport>;
  /** A fresh message to the peer with these documents, plus whatever else the service needs sent. */
  message(files: readonly ContractFile[]): Promise<OutgoingMessage>;
  /** The setting of the service's upload limit, e.g. `efm.dpo.upload-size-limit`. */
  limitSetting: string;
  /** The next request that hands a message over fails with 503. */
  failNextTransiently(): void;
  /** The next request that hands a message over is refused for good. */
  failNextPermanently(): void;
  /** The next request that hands a message over is carried out, but its answer is lost. */
  loseNextAnswer(): void;
  /** How many times the peer got the message. */
  deliveries(messageId: string): Promise<number>;
  /** The documents of the message as the peer reads them, by name. */
  delivered(messageId: string): Promise<Map<string, Buffer>>;
  close(): Promise<void>;
}

export interface ContractSubject {
  service: ServiceIdentifier;
  /** The reference's defaults (transports notes §7). */
  defaults: { maxBytes: number; ttlHours: number };
  start(): Promise<TransportUnderTest>;
}

/** A SendContext whose saved state lives in `state`, as the outbox keeps it between attempts. */
export { contractContext };

/** Documents every service takes as attachments: PDFs, one of them larger than a stream chunk. */
export function contractFiles(): ContractFile[] {
  return [
    { filename: 'vedlegg.pdf', mimetype: 'application/pdf', content: Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(96 * 1024)]) },
    { filename: 'kart.pdf', mimetype: 'application/pdf', content: Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(512)]) },
  ];
}

function totalBytes(message: OutgoingMessage): number {
  return message.files.reduce((sum, f) => sum + f.size, 0);
}

async function failureOf(attempt: Promise<unknown>): Promise<unknown> {
  try {
    await attempt;
  } catch (error) {
    return error;
  }
  throw new Error('the send succeeded; it was expected to fail');
}

export function transportContract(subject: ContractSubject): void {
  describe(`Transport contract (${subject.service})`, () => {
    let world: TransportUnderTest;

    beforeAll(async () => { world = await subject.start(); });
    afterAll(async () => { await world.close(); });

    it('names its service and carries the reference\'s size limit and time to live by default', async () => {
      const transport = await world.transport();
      expect(transport.service).toBe(subject.service);
      expect(transport.maxBytes).toBe(subject.defaults.maxBytes);
      expect(transport.defaultTtlHours).toBe(subject.defaults.ttlHours);
    });

    it('delivers a message whose documents the peer reads back byte for byte', async () => {
      const files = contractFiles();
      const message = await world.message(files);
      await (await world.transport()).send(message, contractContext());
      expect(await world.deliveries(message.message.messageId)).toBe(1);
      const delivered = await world.delivered(message.message.messageId);
      for (const file of files) expect(delivered.get(file.filename)?.equals(file.content), file.filename).toBe(true);
    });

    it('refuses for good a message one byte over its size limit, and sends one at the limit', async () => {
      const over = await world.message(contractFiles());
      const limit = totalBytes(over) - 1;
      const small = await world.transport({ [world.limitSetting]: String(limit) });
      expect(small.maxBytes).toBe(limit);
      expect(await failureOf(small.send(over, contractContext()))).toBeInstanceOf(PermanentSendError);
      expect(await world.deliveries(over.message.messageId)).toBe(0);

      const at = await world.message(contractFiles());
      const exact = await world.transport({ [world.limitSetting]: String(totalBytes(at)) });
      await exact.send(at, contractContext());
      expect(await world.deliveries(at.message.messageId)).toBe(1);
    });

    it('throws a retryable error when the peer is unavailable, and the next try delivers once', async () => {
      const transport = await world.transport();
      const message = await world.message(contractFiles());
      const context = contractContext();
      world.failNextTransiently();
      const error = await failureOf(transport.send(message, context));
      expect(error).not.toBeInstanceOf(PermanentSendError);
      expect(error).toBeInstanceOf(UnavailableError);
      expect(await world.deliveries(message.message.messageId)).toBe(0);

      await transport.send(message, context);
      expect(await world.deliveries(message.message.messageId)).toBe(1);
    });

    it('throws PermanentSendError when the peer refuses the message', async () => {
      const message = await world.message(contractFiles());
      world.failNextPermanently();
      expect(await failureOf((await world.transport()).send(message, contractContext()))).toBeInstanceOf(PermanentSendError);
      expect(await world.deliveries(message.message.messageId)).toBe(0);
    });

    it('resends with the saved state after a lost answer and the peer has the message once', async () => {
      const transport = await world.transport();
      const message = await world.message(contractFiles());
      const context = contractContext();
      world.loseNextAnswer();
      const error = await failureOf(transport.send(message, context));
      expect(error).not.toBeInstanceOf(PermanentSendError);
      expect(await world.deliveries(message.message.messageId)).toBe(1);

      await transport.send(message, context);
      expect(await world.deliveries(message.message.messageId)).toBe(1);
      const delivered = await world.delivered(message.message.messageId);
      for (const file of contractFiles().map((f) => f.filename)) expect(delivered.has(file), file).toBe(true);
    });
  });
}
