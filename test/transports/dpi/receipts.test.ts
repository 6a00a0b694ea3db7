import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signJws } from '../../../src/crypto/index.js';
import type { ConversationRecord } from '../../../src/store/index.js';
import type { DpiReceipt, DpiTransport } from '../../../src/transports/dpi/index.js';
import { letter, sendContext, SENDER, startDpiWorld, type DpiWorld } from './support.js';

// After a send, statuses come two ways (api notes §4.3): per-message polling of corner 2 (SENDT, then
// MOTTATT, where polling stops) and receipts from corner 3 (LEVERT, LEST, FEIL, ANNET), which are
// verified, handed to the sink and only then confirmed.

let world: DpiWorld;
let transport: DpiTransport;
beforeAll(async () => {
  world = await startDpiWorld();
  transport = await world.transport({ config: { 'efm.dpi.avsenderidentifikator-liste': ['avsender910077473'] } });
});
afterAll(async () => { await world.close(); });

function conversation(outgoing: ReturnType<typeof letter>, id: number): ConversationRecord {
  const { message } = outgoing;
  return {
    id, conversationId: message.conversationId, messageId: message.messageId, processIdentifier: message.processIdentifier,
    documentIdentifier: message.documentType, lastUpdate: new Date(), finished: false, direction: 'OUTGOING', serviceIdentifier: 'DPI', pollable: true,
  };
}

function sink(): { accept(receipt: DpiReceipt): Promise<void>; received: DpiReceipt[] } {
  const received: DpiReceipt[] = [];
  return { received, accept: (receipt) => { received.push(receipt); return Promise.resolve(); } };
}

async function sent(spec: Parameters<typeof letter>[1] = {}): Promise<ReturnType<typeof letter>> {
  const outgoing = letter(world, spec);
  await transport.send(outgoing, sendContext());
  return outgoing;
}

describe('DPI status polling', () => {
  it('maps corner 2\'s statuses to SENDT and MOTTATT and stops polling at MOTTATT', async () => {
    const outgoing = await sent();
    const updates = await transport.pollStatus([conversation(outgoing, 7)], new AbortController().signal);
    expect(updates.get(7)?.map((u) => [u.status, u.description, u.keepPolling])).toEqual([
      ['SENDT', 'Hjørne 2 ha mottatt meldingen', undefined],
      ['MOTTATT', 'Hjørne 3 ha mottatt meldingen', false],
    ]);
    expect(JSON.parse(updates.get(7)?.[0]?.rawReceipt ?? '{}')).toMatchObject({ status: 'OPPRETTET' });
  });

  it('gives FEIL when corner 2 failed the letter, and nothing for a letter it does not know', async () => {
    const failed = await sent();
    world.corner2.failLetter(failed.message.messageId);
    const unknown = letter(world);
    const updates = await transport.pollStatus([conversation(failed, 1), conversation(unknown, 2)], new AbortController().signal);
    expect(updates.get(1)?.at(-1)).toMatchObject({ status: 'FEIL', keepPolling: false });
    expect(updates.has(2)).toBe(false);
  });
});

describe('DPI receipts', () => {
  // Status polling queues corner 3's delivery receipts; each test here starts without any.
  beforeEach(() => { world.corner2.clearReceipts(); });

  it('turns a delivery receipt into MOTTATT and LEVERT of the conversation, at the receipt\'s time, and confirms it', async () => {
    const outgoing = await sent();
    await world.corner2.addReceipt(outgoing.message.messageId, 'leveringskvittering');
    const receipts = sink();
    const result = await transport.pollReceipts(receipts, new AbortController().signal);
    expect(result).toEqual({ accepted: 1, rejected: 0 });
    const [receipt] = receipts.received;
    expect(receipt?.conversationId).toBe(outgoing.message.conversationId);
    expect(receipt?.type).toBe('leveringskvittering');
    expect(receipt?.statuses).toEqual([
      { status: 'MOTTATT', description: 'Hjørne 3 ha mottatt meldingen', at: new Date('2019-03-25T11:38:22Z') },
      { status: 'LEVERT', description: 'Kvittering på at digital post er tilgjengeliggjort eller at en fysisk post er postlagt', at: new Date('2019-03-25T11:38:23Z') },
    ]);
    expect(receipt?.rawReceipt.split('.')).toHaveLength(3);
    expect(world.corner2.unreadReceipts()).toBe(0);
    expect(await transport.pollReceipts(sink(), new AbortController().signal)).toEqual({ accepted: 0, rejected: 0 });
  });

  it('maps opened, failed notification, print, returned mail and error receipts', async () => {
    const digital = await sent();
    const print = await sent({ type: 'print' });
    for (const type of ['aapningskvittering', 'varslingfeiletkvittering', 'feil'] as const) await world.corner2.addReceipt(digital.message.messageId, type);
    for (const type of ['mottakskvittering', 'returpostkvittering'] as const) await world.corner2.addReceipt(print.message.messageId, type);
    const receipts = sink();
    await transport.pollReceipts(receipts, new AbortController().signal);
    expect(receipts.received.map((r) => [r.type, r.statuses.map((s) => s.status).join('+')])).toEqual([
      ['aapningskvittering', 'LEST'],
      ['varslingfeiletkvittering', 'FEIL'],
      ['feil', 'FEIL'],
      ['mottakskvittering', 'MOTTATT+LEVERT'],
      ['returpostkvittering', 'FEIL'],
    ]);
  });

  it('reads the receipts of each sender id and of letters sent without one', async () => {
    const withId = await sent();
    const withoutId = await sent({ business: { ...letterBusiness(), avsenderId: undefined } });
    await world.corner2.addReceipt(withId.message.messageId, 'leveringskvittering');
    await world.corner2.addReceipt(withoutId.message.messageId, 'leveringskvittering');
    const receipts = sink();
    await transport.pollReceipts(receipts, new AbortController().signal);
    expect(receipts.received.map((r) => r.conversationId).sort()).toEqual([withId.message.conversationId, withoutId.message.conversationId].sort());
  });

  it('leaves a receipt unconfirmed when the sink fails, so the next poll offers it again', async () => {
    const outgoing = await sent();
    await world.corner2.addReceipt(outgoing.message.messageId, 'aapningskvittering');
    const failing = { accept: () => Promise.reject(new Error('database down')) };
    await expect(transport.pollReceipts(failing, new AbortController().signal)).rejects.toThrow('database down');
    expect(world.corner2.unreadReceipts()).toBe(1);
    const receipts = sink();
    await transport.pollReceipts(receipts, new AbortController().signal);
    expect(receipts.received).toHaveLength(1);
  });

  it('skips, unconfirmed, a receipt whose certificate does not chain to a trusted root', async () => {
    const outgoing = await sent();
    await world.corner2.addReceipt(outgoing.message.messageId, 'leveringskvittering');
    const strict = await world.transport({ config: { 'efm.dpi.avsenderidentifikator-liste': ['avsender910077473'], 'efm.dpi.certificate.mode': 'PRODUCTION' } });
    // PRODUCTION with a trusted root other than the signer's: the chain does not reach it.
    const other = await world.transport({
      config: { 'efm.dpi.avsenderidentifikator-liste': ['avsender910077473'], 'efm.dpi.certificate.mode': 'PRODUCTION' },
      options: { trustedRoots: [world.keys.get(SENDER)?.certificate].filter((c) => c !== undefined) },
    });
    expect(await other.pollReceipts(sink(), new AbortController().signal)).toEqual({ accepted: 0, rejected: 1 });
    expect(world.corner2.unreadReceipts()).toBe(1);
    // Without trusted roots PRODUCTION checks validity only, and takes it.
    expect(await strict.pollReceipts(sink(), new AbortController().signal)).toEqual({ accepted: 1, rejected: 0 });
  });
});

function letterBusiness(): Record<string, unknown> {
  return { ...(letter(world).message.sbd.digital as Record<string, unknown>) };
}

describe('DPI receipt checks', () => {
  beforeEach(() => { world.corner2.clearReceipts(); });

  async function rejected(jws: string): Promise<void> {
    world.corner2.injectReceipt({ kanal: 'KANAL', jws, avsenderidentifikator: 'avsender910077473' });
    const receipts = sink();
    expect(await transport.pollReceipts(receipts, new AbortController().signal)).toEqual({ accepted: 0, rejected: 1 });
    expect(receipts.received).toEqual([]);
    // A rejected receipt stays unconfirmed at corner 2; drop it before the next case.
    world.corner2.clearReceipts();
  }

  async function genuineReceipt(): Promise<string> {
    const outgoing = await sent();
    await world.corner2.addReceipt(outgoing.message.messageId, 'leveringskvittering');
    const jws = world.corner2.receiptJws().at(-1);
    world.corner2.clearReceipts();
    if (jws === undefined) throw new Error('no receipt');
    return jws;
  }

  it('rejects a receipt whose payload was changed after signing', async () => {
    const [header, payload, signature] = (await genuineReceipt()).split('.');
    const changed = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { standardBusinessDocument: { leveringskvittering: { tidspunkt: string } } };
    changed.standardBusinessDocument.leveringskvittering.tidspunkt = '2020-01-01T00:00:00Z';
    await rejected([header, Buffer.from(JSON.stringify(changed)).toString('base64url'), signature].join('.'));
  });

  it('rejects a receipt of an unknown type and one that breaks its JSON Schema', async () => {
    const own = world.keys.get(SENDER);
    if (own === undefined) throw new Error('no key');
    const [, payload] = (await genuineReceipt()).split('.');
    const document = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { standardBusinessDocument: Record<string, unknown> & { standardBusinessDocumentHeader: { documentIdentification: { type: string } } } };
    const unknownType = structuredClone(document);
    unknownType.standardBusinessDocument.standardBusinessDocumentHeader.documentIdentification.type = 'kvittering';
    await rejected(await signJws(JSON.stringify(unknownType), { signer: own, alg: 'RS256' }));
    const invalid = structuredClone(document);
    delete invalid.standardBusinessDocument.leveringskvittering;
    invalid.standardBusinessDocument.id = randomUUID();
    await rejected(await signJws(JSON.stringify(invalid), { signer: own, alg: 'RS256' }));
  });
});
