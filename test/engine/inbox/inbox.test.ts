import { Readable } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/clock/index.js';
import { createCmsEncryptStream, type KeystoreEntry } from '../../../src/crypto/index.js';
import type { ServiceIdentifier } from '../../../src/domain/index.js';
import { Inbox, StatusReplies } from '../../../src/engine/inbox/index.js';
import type { OutboxEntry } from '../../../src/store/index.js';
import type { IncomingMessage } from '../../../src/transports/index.js';
import { cucumberEntry } from '../../crypto/fixtures.js';
import {
  buildSbd, NOW, openTestStore, OWN, PEER, queueOutgoing, readAll, silentLog, statusNames, statusRegistry, type SbdSpec, type TestStore,
} from '../support.js';

const ASIC = Buffer.from('PK\u0003\u0004 a plain ASiC-E container, as the peer packed it');

async function encrypted(content: Buffer, key: KeystoreEntry): Promise<Buffer> {
  return readAll(Readable.from([content]).pipe(createCmsEncryptStream({ recipient: key.certificate })));
}

describe(Inbox.name, () => {
  let t: TestStore;
  let ownKey: KeystoreEntry;
  let inbox: Inbox;
  let wakes: number;

  beforeAll(async () => {
    ownKey = await cucumberEntry(OWN);
  });

  beforeEach(async () => {
    t = await openTestStore();
    wakes = 0;
    const clock = fixedClock(NOW);
    const statuses = statusRegistry(t.store, clock);
    const replies = new StatusReplies({
      store: t.store, clock, statusServices: new Set<ServiceIdentifier>(['DPO', 'DPE']), ttlHours: () => 24,
      onQueued: () => { wakes++; }, log: silentLog(),
    });
    inbox = new Inbox({ store: t.store, clock, statuses, replies, ownKey, maxAsicBytes: 10 * 1024 * 1024, log: silentLog() });
  });

  afterEach(async () => {
    await t.cleanup();
  });

  /** An incoming message from PEER to us; its ASiC-E CMS-encrypted to our certificate unless told otherwise. */
  async function incoming(spec: SbdSpec = {}, asic: { content: Buffer; encrypted: boolean } | null = { content: ASIC, encrypted: true }): Promise<IncomingMessage & { messageId: string }> {
    const sbd = buildSbd({ sender: PEER, receiver: OWN, ...spec });
    const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier ?? '';
    if (asic === null) return { sbd, messageId };
    const bytes = asic.encrypted ? await encrypted(asic.content, ownKey) : asic.content;
    return { sbd, messageId, asic: { content: Readable.from([bytes]), encrypted: asic.encrypted } };
  }

  const statusEntries = async (): Promise<OutboxEntry[]> =>
    (await t.store.claimOutbox({ owner: 'test', now: new Date(NOW), leaseMs: 1, limit: 10, services: ['DPO', 'DPE', 'DPF'] })).filter((e) => e.ref.kind === 'status');

  it('stores a message with its ASiC-E decrypted, registers OPPRETTET and INNKOMMENDE_MOTTATT, and queues MOTTATT back', async () => {
    const message = await incoming();
    expect(await inbox.accept(message, 'DPO')).toBe('stored');

    const stored = await t.store.findMessage('INCOMING', message.messageId);
    expect(stored).toMatchObject({ state: 'RECEIVED', serviceIdentifier: 'DPO', senderIdentifier: PEER, receiverIdentifier: OWN, sbd: message.sbd });
    const [file] = await t.store.listFiles('INCOMING', message.messageId);
    expect(file).toMatchObject({ filename: 'asic.zip', mimetype: 'application/vnd.etsi.asic-e+zip' });
    expect(await readAll(t.store.openFile(file ?? expect.fail('no asic.zip')))).toEqual(ASIC);
    expect(await statusNames(t.store, message.messageId, 'INCOMING')).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT']);
    expect(await t.store.findConversationByMessageId(message.messageId, 'INCOMING')).toMatchObject({
      sender: `0192:${PEER}`, senderIdentifier: PEER, receiverIdentifier: OWN, messageReference: '37efbd4c-413d-4e2c-bbc5-257ef4a65a56',
    });

    const [reply] = await statusEntries();
    expect(reply?.message).toMatchObject({ messageId: message.messageId, receiverIdentifier: PEER, senderIdentifier: OWN, serviceIdentifier: 'DPO' });
    expect(reply?.message.sbd['status']).toEqual({ status: 'MOTTATT' });
    expect(reply?.message.sbd.standardBusinessDocumentHeader.receiver?.[0]?.identifier.value).toBe(`0192:${PEER}`);
    expect(wakes).toBe(1);
  });

  it('stores a plain ASiC-E as it is, and sends no MOTTATT for a service that does not exchange statuses', async () => {
    const message = await incoming({}, { content: ASIC, encrypted: false });
    expect(await inbox.accept(message, 'DPF')).toBe('stored');
    const [file] = await t.store.listFiles('INCOMING', message.messageId);
    expect(await readAll(t.store.openFile(file ?? expect.fail('no asic.zip')))).toEqual(ASIC);
    expect(await statusEntries()).toEqual([]);
    expect(wakes).toBe(0);
  });

  it('discards a message it already has, also once the case system has taken it', async () => {
    const first = await incoming();
    expect(await inbox.accept(first, 'DPO')).toBe('stored');
    const again = await incoming({ messageId: first.messageId });
    expect(await inbox.accept(again, 'DPO')).toBe('duplicate');

    await t.store.deleteMessage('INCOMING', first.messageId);
    expect(await inbox.accept(await incoming({ messageId: first.messageId }), 'DPO')).toBe('duplicate');
    expect(await t.store.findMessage('INCOMING', first.messageId)).toBeUndefined();
  });

  it('stores again a message a crash left half stored', async () => {
    const message = await incoming();
    const failing = new Readable({ read() { this.destroy(new Error('connection reset')); } });
    await expect(inbox.accept({ sbd: message.sbd, asic: { content: failing, encrypted: false } }, 'DPO')).rejects.toThrow('connection reset');
    expect((await t.store.findMessage('INCOMING', message.messageId))?.state).toBe('DRAFT');

    expect(await inbox.accept(await incoming({ messageId: message.messageId }), 'DPO')).toBe('stored');
    expect((await t.store.findMessage('INCOMING', message.messageId))?.state).toBe('RECEIVED');
    expect(await statusNames(t.store, message.messageId, 'INCOMING')).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT']);
  });

  it('drops an expired message with OPPRETTET and LEVETID_UTLOPT, storing nothing', async () => {
    const message = await incoming({ expectedResponseDateTime: '2019-03-25T11:00:00+01:00' });
    expect(await inbox.accept(message, 'DPO')).toBe('expired');
    expect(await t.store.findMessage('INCOMING', message.messageId)).toBeUndefined();
    const conversation = await t.store.findConversationByMessageId(message.messageId, 'INCOMING');
    const statuses = (await t.store.statusesOf([conversation?.id ?? 0])).get(conversation?.id ?? 0);
    expect(statuses?.map((s) => [s.status, s.description])).toEqual([
      ['OPPRETTET', undefined], ['LEVETID_UTLOPT', 'Levetiden for meldingen er utgått. Må sendes på nytt'],
    ]);
    expect(message.asic?.content.destroyed).toBe(true);
    expect(await statusEntries()).toEqual([]);
  });

  it('turns a status SBD into that status on our original outgoing message and stores nothing', async () => {
    const { messageId } = await queueOutgoing(t.store);
    const status = await incoming({ messageId, type: 'status', standard: 'urn:no:difi:eformidling:xsd::status', business: { status: 'LEVERT' } }, null);
    expect(await inbox.accept(status, 'DPO')).toBe('status');
    expect(await statusNames(t.store, messageId)).toEqual(['OPPRETTET', 'LEVERT']);
    expect(await t.store.findConversationByMessageId(messageId, 'INCOMING')).toBeUndefined();
    expect(await statusEntries()).toEqual([]);
  });

  it('drops a status SBD for a message it never sent', async () => {
    const status = await incoming({ type: 'status', standard: 'urn:no:difi:eformidling:xsd::status', business: { status: 'MOTTATT' } }, null);
    expect(await inbox.accept(status, 'DPO')).toBe('status');
    expect(await t.store.findConversationByMessageId(status.messageId)).toBeUndefined();
  });

  it('stores an arkivmelding_kvittering and marks the receipted message LEST, or FEIL for ERROR', async () => {
    const ok = await queueOutgoing(t.store);
    const failed = await queueOutgoing(t.store);
    const receipt = (related: string, receiptType: string) => incoming({
      type: 'arkivmelding_kvittering', process: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
      business: { receiptType, relatedToMessageId: related, messages: [] },
    }, null);
    const okReceipt = await receipt(ok.messageId, 'OK');
    expect(await inbox.accept(okReceipt, 'DPO')).toBe('stored');
    expect(await inbox.accept(await receipt(failed.messageId, 'ERROR'), 'DPO')).toBe('stored');

    expect((await t.store.findMessage('INCOMING', okReceipt.messageId))?.state).toBe('RECEIVED');
    const statusOf = async (messageId: string) => {
      const conversation = await t.store.findConversationByMessageId(messageId, 'OUTGOING');
      return (await t.store.statusesOf([conversation?.id ?? 0])).get(conversation?.id ?? 0)?.at(-1);
    };
    expect(await statusOf(ok.messageId)).toMatchObject({
      status: 'LEST', description: 'ArkivmeldingKvittering: OK',
      rawReceipt: JSON.stringify({ receiptType: 'OK', relatedToMessageId: ok.messageId, messages: [] }),
    });
    expect(await statusOf(failed.messageId)).toMatchObject({ status: 'FEIL', description: 'ArkivmeldingKvittering: ERROR' });
  });

  it('turns a DPH application receipt into LEVERT (OK) or FEIL (REJECTED, OK_ERROR_IN_MESSAGE_PART) on the dialogmelding', async () => {
    const sent = await Promise.all(['OK', 'REJECTED', 'OK_ERROR_IN_MESSAGE_PART', 'SOMETHING_ELSE'].map(() => queueOutgoing(t.store, { service: 'DPH' })));
    const receipt = (related: string, status: string) => incoming({
      type: 'dialogmelding_kvittering', standard: 'urn:no:difi:helse:xsd::dialogmelding_kvittering', process: 'urn:no:difi:profile:helse:response:ver1.0',
      business: { relatedToMessageId: related, status, messages: [] },
    }, null);
    const statuses = ['OK', 'REJECTED', 'OK_ERROR_IN_MESSAGE_PART', 'SOMETHING_ELSE'];
    for (const [i, status] of statuses.entries()) expect(await inbox.accept(await receipt(sent[i]?.messageId ?? '', status), 'DPH')).toBe('stored');
    const last = async (messageId: string) => {
      const conversation = await t.store.findConversationByMessageId(messageId, 'OUTGOING');
      return (await t.store.statusesOf([conversation?.id ?? 0])).get(conversation?.id ?? 0)?.at(-1);
    };
    expect(await last(sent[0]?.messageId ?? '')).toMatchObject({ status: 'LEVERT', description: 'DialogmeldingKvittering: OK' });
    expect(await last(sent[1]?.messageId ?? '')).toMatchObject({ status: 'FEIL', description: 'DialogmeldingKvittering: REJECTED' });
    expect(await last(sent[2]?.messageId ?? '')).toMatchObject({ status: 'FEIL', description: 'DialogmeldingKvittering: OK_ERROR_IN_MESSAGE_PART' });
    expect(await statusNames(t.store, sent[3]?.messageId ?? '')).toEqual(['OPPRETTET']);
  });

  it('registers a receipt the case system is not to see without storing it', async () => {
    const sent = await queueOutgoing(t.store, { service: 'DPH' });
    const receipt = await incoming({
      type: 'dialogmelding_kvittering', standard: 'urn:no:difi:helse:xsd::dialogmelding_kvittering', process: 'urn:no:difi:profile:helse:response:ver1.0',
      business: { relatedToMessageId: sent.messageId, status: 'OK', messages: [] },
    }, null);
    await inbox.applyReceipt(receipt.sbd, 'DPH');
    expect(await statusNames(t.store, sent.messageId)).toEqual(['OPPRETTET', 'LEVERT']);
    expect(await t.store.findMessage('INCOMING', receipt.messageId)).toBeUndefined();
    // One for a message we never sent is logged and dropped, not thrown.
    const stray = await incoming({ type: 'dialogmelding_kvittering', business: { relatedToMessageId: 'not-ours', status: 'OK' } }, null);
    await expect(inbox.applyReceipt(stray.sbd, 'DPH')).resolves.toBeUndefined();
  });

  it('stores an arkivmelding_kvittering that came over DPV or DPF without marking the message LEST', async () => {
    const sent = await queueOutgoing(t.store, { service: 'DPV' });
    const receipt = await incoming({
      type: 'arkivmelding_kvittering', process: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
      business: { receiptType: 'OK', relatedToMessageId: sent.messageId },
    }, null);
    expect(await inbox.accept(receipt, 'DPV')).toBe('stored');
    expect(await statusNames(t.store, sent.messageId)).toEqual(['OPPRETTET']);
  });

  it('rejects a message whose CMS does not decrypt: FEIL, nothing stored, no MOTTATT', async () => {
    const message = await incoming({}, { content: Buffer.from('not a CMS at all'), encrypted: false });
    const corrupt: IncomingMessage = { sbd: message.sbd, asic: { content: Readable.from([Buffer.from('0\u0080 garbage that is no CMS')]), encrypted: true } };
    expect(await inbox.accept(corrupt, 'DPO')).toBe('rejected');
    expect(await t.store.findMessage('INCOMING', message.messageId)).toBeUndefined();
    expect(await statusNames(t.store, message.messageId, 'INCOMING')).toEqual(['OPPRETTET', 'FEIL']);
    expect(await statusEntries()).toEqual([]);
  });

  it('rejects a message encrypted to someone else', async () => {
    const message = await incoming({}, null);
    const other = await cucumberEntry(PEER);
    const corrupt: IncomingMessage = { sbd: message.sbd, asic: { content: Readable.from([await encrypted(ASIC, other)]), encrypted: true } };
    expect(await inbox.accept(corrupt, 'DPO')).toBe('rejected');
    expect(await statusNames(t.store, message.messageId, 'INCOMING')).toEqual(['OPPRETTET', 'FEIL']);
  });

  it('rejects an ASiC-E past the size bound', async () => {
    const message = await incoming({}, { content: Buffer.alloc(64 * 1024, 1), encrypted: true });
    const clock = fixedClock(NOW);
    const small = new Inbox({
      store: t.store, clock, statuses: statusRegistry(t.store, clock), ownKey, maxAsicBytes: 1024, log: silentLog(),
      replies: new StatusReplies({ store: t.store, clock, statusServices: new Set(), ttlHours: () => 24, onQueued: () => undefined, log: silentLog() }),
    });
    expect(await small.accept(message, 'DPO')).toBe('rejected');
    expect(await statusNames(t.store, message.messageId, 'INCOMING')).toEqual(['OPPRETTET', 'FEIL']);
    expect(await t.store.findMessage('INCOMING', message.messageId)).toBeUndefined();
  });

  it('queues LEVERT back once the case system has the message', async () => {
    const message = await incoming();
    await inbox.accept(message, 'DPE');
    const stored = await t.store.findMessage('INCOMING', message.messageId);
    await inbox.onDelivered(stored ?? expect.fail('not stored'));
    const entries = await statusEntries();
    expect(entries.map((e) => e.message.sbd['status'])).toEqual([{ status: 'MOTTATT' }, { status: 'LEVERT' }]);
    expect(entries.map((e) => e.message.serviceIdentifier)).toEqual(['DPE', 'DPE']);
    expect(wakes).toBe(2);
  });
});
