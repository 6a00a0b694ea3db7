import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/clock/index.js';
import { ttlCheckJob } from '../../../src/engine/index.js';
import type { Job } from '../../../src/engine/jobs/index.js';
import type { Store } from '../../../src/store/index.js';
import { buildSbd, NOW, openTestStore, OWN, PEER, queueOutgoing, silentLog, statusNames, statusRegistry, type TestStore } from '../support.js';

const PAST = '2019-03-25T12:00:00+01:00';

async function storeIncoming(store: Store, expectedResponseDateTime: string): Promise<string> {
  const sbd = buildSbd({ sender: PEER, receiver: OWN, expectedResponseDateTime });
  const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier ?? '';
  const conversationId = 'c-incoming';
  const expiry = new Date(expectedResponseDateTime);
  const base = { messageId, conversationId, direction: 'INCOMING' as const, serviceIdentifier: 'DPO' as const, processIdentifier: 'p' };
  await store.createMessage(
    { ...base, documentType: 'd', senderIdentifier: PEER, receiverIdentifier: OWN, sbd, state: 'RECEIVED', expiry },
    { ...base, documentIdentifier: 'd', expiry },
    [{ status: 'OPPRETTET', at: new Date(NOW) }, { status: 'INNKOMMENDE_MOTTATT', at: new Date(NOW) }],
  );
  await store.addFile('INCOMING', messageId, { filename: 'asic.zip', mimetype: 'application/zip', primaryDocument: false }, Readable.from([Buffer.from('zip')]), { maxBytes: 100 });
  return messageId;
}

describe(ttlCheckJob.name, () => {
  let t: TestStore;
  let job: Job;

  beforeEach(async () => {
    t = await openTestStore();
    const clock = fixedClock(NOW);
    job = ttlCheckJob({ store: t.store, clock, statuses: statusRegistry(t.store, clock), log: silentLog() });
  });

  afterEach(async () => {
    await t.cleanup();
  });

  it('is the ttl-check job, every 30 seconds', () => {
    expect(job).toMatchObject({ name: 'ttl-check', schedule: '*/30 * * * * *' });
  });

  it('marks unfinished conversations past their expiry LEVETID_UTLOPT, in both directions', async () => {
    const outgoing = await queueOutgoing(t.store);
    const conversation = await t.store.findConversationByMessageId(outgoing.messageId, 'OUTGOING');
    await t.store.updateConversation(conversation?.id ?? 0, { expiry: new Date(PAST) });
    const incoming = await storeIncoming(t.store, PAST);

    await job.run(new AbortController().signal);
    expect(await statusNames(t.store, outgoing.messageId)).toEqual(['OPPRETTET', 'LEVETID_UTLOPT']);
    expect(await statusNames(t.store, incoming, 'INCOMING')).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT', 'LEVETID_UTLOPT']);
    const statuses = await t.store.listStatuses({ messageId: incoming, status: 'LEVETID_UTLOPT' }, { page: 0, size: 10, sort: [] });
    expect(statuses.content[0]?.description).toBe('Levetiden for meldingen er utgått. Må sendes på nytt');
  });

  it('deletes an expired incoming message and its files, and leaves a queued outgoing message to the outbox', async () => {
    const outgoing = await queueOutgoing(t.store);
    const conversation = await t.store.findConversationByMessageId(outgoing.messageId, 'OUTGOING');
    await t.store.updateConversation(conversation?.id ?? 0, { expiry: new Date(PAST) });
    const incoming = await storeIncoming(t.store, PAST);

    await job.run(new AbortController().signal);
    expect(await t.store.findMessage('INCOMING', incoming)).toBeUndefined();
    expect(await t.store.listFiles('INCOMING', incoming)).toEqual([]);
    expect((await t.store.findMessage('OUTGOING', outgoing.messageId))?.state).toBe('QUEUED');
  });

  it('leaves conversations that are finished or not yet expired', async () => {
    const future = await storeIncoming(t.store, '2019-05-10T00:31:52+01:00');
    const delivered = await queueOutgoing(t.store);
    const conversation = await t.store.findConversationByMessageId(delivered.messageId, 'OUTGOING');
    await t.store.updateConversation(conversation?.id ?? 0, { expiry: new Date(PAST) });
    await t.store.addStatus(delivered.messageId, 'OUTGOING', { status: 'LEVERT', at: new Date(NOW) });

    await job.run(new AbortController().signal);
    expect(await statusNames(t.store, future, 'INCOMING')).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT']);
    expect(await statusNames(t.store, delivered.messageId)).toEqual(['OPPRETTET', 'LEVERT']);
    expect((await t.store.findMessage('INCOMING', future))?.state).toBe('RECEIVED');
  });
});
