import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MaskinportenUnavailableError } from '../../../src/addressing/index.js';
import { PermanentSendError } from '../../../src/transports/index.js';
import { DpiCorner2RefusedError, DpiCorner2UnavailableError, DpiPrintLookupError } from '../../../src/transports/dpi/index.js';
import { letter, sendContext, startDpiWorld, type DpiWorld } from './support.js';

// Which failures a later try may fix (thrown as they are; the outbox retries them) and which no retry
// will (PermanentSendError: FEIL at once), and that a retry never gives corner 2 a letter twice.

let world: DpiWorld;
beforeAll(async () => { world = await startDpiWorld(); });
afterEach(() => {
  world.corner2.failures.clear();
  world.maskinporten.failures.clear();
});
afterAll(async () => { await world.close(); });

const OUT = { method: 'POST', path: /\/messages\/out$/ };

async function failure(outgoing = letter(world), context = sendContext()): Promise<unknown> {
  const transport = await world.transport();
  return transport.send(outgoing, context).then(() => undefined, (error: unknown) => error);
}

describe('DPI send failures', () => {
  it('leaves a 5xx or a cut connection from corner 2 to the retries, and the retry delivers the letter once', async () => {
    world.corner2.failures.failNext(1, { ...OUT, status: 503 });
    world.corner2.failures.failNext(1, { ...OUT, mode: 'reset' });
    const outgoing = letter(world);
    const context = sendContext();
    const transport = await world.transport();
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await transport.send(outgoing, context).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(DpiCorner2UnavailableError);
      expect(error).not.toBeInstanceOf(PermanentSendError);
    }
    expect(await transport.send(outgoing, context)).toEqual({ startPolling: true });
    expect(world.corner2.letters.filter((l) => l.messageId === outgoing.message.messageId)).toHaveLength(1);
  });

  it('gives FEIL at once when corner 2 refuses the letter, with its answer as the raw receipt', async () => {
    world.corner2.failures.failNext(1, { ...OUT, status: 400 });
    const error = await failure();
    expect(error).toBeInstanceOf(PermanentSendError);
    expect((error as PermanentSendError).cause).toBeInstanceOf(DpiCorner2RefusedError);
    expect((error as PermanentSendError).rawReceipt).toContain('Injected failure');
  });

  it('retries a 401, which a fresh token may get past', async () => {
    world.corner2.failures.failNext(1, { ...OUT, status: 401 });
    const error = await failure();
    expect(error).toBeInstanceOf(DpiCorner2RefusedError);
    expect(error).not.toBeInstanceOf(PermanentSendError);
  });

  it('retries when the KRR print lookup or Maskinporten is down', async () => {
    world.corner2.failures.failNext(1, { path: /printSertifikat$/, status: 503 });
    expect(await failure(letter(world, { type: 'print', receiver: null }))).toBeInstanceOf(DpiPrintLookupError);
    world.maskinporten.failures.failNext(1, { status: 503 });
    expect(await failure()).toBeInstanceOf(MaskinportenUnavailableError);
  });

  it('does not send a letter again that corner 2 already has when the answer to the first try was lost', async () => {
    const outgoing = letter(world);
    const context = sendContext();
    const transport = await world.transport();
    await transport.send(outgoing, context);
    expect(context.saved).toEqual([{ dpiPosted: 'true' }]);
    // The outbox tries again with the state it saved, as after a crash before SENDT was recorded.
    expect(await transport.send(outgoing, context)).toEqual({ startPolling: true });
    expect(world.corner2.letters.filter((l) => l.messageId === outgoing.message.messageId)).toHaveLength(1);
  });

  it('refuses to send a message type DPI does not carry', async () => {
    const outgoing = letter(world);
    outgoing.message.sbd.standardBusinessDocumentHeader.documentIdentification.type = 'arkivmelding';
    expect(await failure(outgoing)).toBeInstanceOf(PermanentSendError);
  });
});
