import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertIncoming } from '../support/incoming.js';
import { errorOf, jsonOf } from '../support/http.js';
import { kvitteringSbd } from '../support/sbd.js';
import { OWN_ORG, PEER_ORG, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// I1–I4 (api notes §2.7): peek locks, pop streams the ASiC-E, delete finishes with INNKOMMENDE_LEVERT.
type Sbd = { standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: string } } };
const idOf = (sbd: Sbd) => sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;

/** Empties the in-queue, so each test peeks only what it inserted. */
async function clearIncoming(t: TestDaemon): Promise<void> {
  const all = await t.daemon.store.listMessages('INCOMING', {}, { page: 0, size: 1000, sort: [] });
  for (const m of all.content) await t.daemon.store.deleteMessage('INCOMING', m.messageId);
}

describe('incoming messages', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  beforeEach(async () => { await clearIncoming(t); });
  afterAll(async () => { await t.close(); });

  const peek = (query = '') => t.api(`/api/messages/in/peek${query}`);

  it('refuses peek without credentials with 401', async () => {
    expect((await t.api('/api/messages/in/peek', { auth: false })).status).toBe(401);
  });

  it('answers peek with 204 when nothing has come in', async () => {
    const res = await peek();
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('answers 404 to pop and delete of an unknown message', async () => {
    const pop = await t.api('/api/messages/in/pop/no-such-message');
    expect(pop.status).toBe(404);
    expect((await errorOf(pop)).message).toBe('Message with messageId = no-such-message was not found');
    expect((await t.api('/api/messages/in/no-such-message', { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses pop and delete of a message that was not peeked with 400 MessageNotLockedException', async () => {
    const m = await insertIncoming(t);
    const pop = await t.api(`/api/messages/in/pop/${m.messageId}`);
    expect(pop.status).toBe(400);
    const body = await errorOf(pop);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.MessageNotLockedException');
    expect(body.message).toBe(`Message with messageId = ${m.messageId} was not locked`);
    expect((await t.api(`/api/messages/in/${m.messageId}`, { method: 'DELETE' })).status).toBe(400);
    expect((await jsonOf<{ totalElements: number }>(await t.api('/api/messages/in'))).totalElements).toBe(1);
  });

  it('peek locks the oldest message: a second peek gets the next one, then 204', async () => {
    const first = await insertIncoming(t);
    const second = await insertIncoming(t);
    const a = await peek();
    expect(a.status).toBe(200);
    expect(idOf(await jsonOf<Sbd>(a))).toBe(first.messageId);
    const b = await peek();
    expect(idOf(await jsonOf<Sbd>(b))).toBe(second.messageId);
    expect((await peek()).status).toBe(204);
  });

  it('pops the ASiC-E byte for byte, then delete returns the SBD and registers INNKOMMENDE_LEVERT', async () => {
    const m = await insertIncoming(t);
    const peeked = await jsonOf<Sbd>(await peek());
    expect(peeked).toEqual(m.sbd);

    const pop = await t.api(`/api/messages/in/pop/${m.messageId}`);
    expect(pop.status).toBe(200);
    expect(pop.headers.get('content-type')).toBe('application/vnd.etsi.asic-e+zip');
    expect(pop.headers.get('content-disposition')).toBe('attachment; filename=asic.zip');
    const bytes = Buffer.from(await pop.arrayBuffer());
    expect(m.asic && bytes.equals(m.asic)).toBe(true);

    const del = await t.api(`/api/messages/in/${m.messageId}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await jsonOf(del)).toEqual(m.sbd);

    const statuses = await jsonOf<{ content: { status: string }[] }>(await t.api(`/api/statuses/${m.messageId}`));
    expect(statuses.content.map((s) => s.status)).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT']);
    expect((await jsonOf<{ totalElements: number }>(await t.api('/api/messages/in'))).totalElements).toBe(0);
    expect((await t.api(`/api/messages/in/pop/${m.messageId}`)).status).toBe(404);
  });

  it('answers pop of a receipt with 204 and no body', async () => {
    const receipt = await insertIncoming(t, {
      sbd: kvitteringSbd('0a0b0c0d-0000-4000-8000-000000000000', { sender: `0192:${PEER_ORG}`, receiver: `0192:${OWN_ORG}` }),
      asic: null,
    });
    expect(idOf(await jsonOf<Sbd>(await peek()))).toBe(receipt.messageId);
    const pop = await t.api(`/api/messages/in/pop/${receipt.messageId}`);
    expect(pop.status).toBe(204);
    expect(await pop.text()).toBe('');
  });

  it('filters list and peek by process and serviceIdentifier', async () => {
    const kultur = 'urn:no:difi:profile:arkivmelding:kulturIdrettOgFritid:ver1.0';
    const plain = await insertIncoming(t);
    const culture = await insertIncoming(t, { sbdOptions: { process: kultur } });
    const einnsyn = await insertIncoming(t, { serviceIdentifier: 'DPE' });

    const list = await jsonOf<{ content: Sbd[]; totalElements: number }>(await t.api(`/api/messages/in?process=${encodeURIComponent(kultur)}`));
    expect(list.content.map(idOf)).toEqual([culture.messageId]);
    const byService = await jsonOf<{ content: Sbd[] }>(await t.api('/api/messages/in?serviceIdentifier=DPE'));
    expect(byService.content.map(idOf)).toEqual([einnsyn.messageId]);
    expect((await jsonOf<{ totalElements: number }>(await t.api(`/api/messages/in?senderIdentifier=${PEER_ORG}`))).totalElements).toBe(3);

    expect(idOf(await jsonOf<Sbd>(await peek('?serviceIdentifier=DPE')))).toBe(einnsyn.messageId);
    expect(idOf(await jsonOf<Sbd>(await peek(`?process=${encodeURIComponent(kultur)}`)))).toBe(culture.messageId);
    expect((await peek('?serviceIdentifier=DPE')).status).toBe(204);
    expect(idOf(await jsonOf<Sbd>(await peek()))).toBe(plain.messageId);
  });

  it('pages the in-queue in the Spring page shape', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await insertIncoming(t)).messageId);
    const page = await jsonOf<{ content: Sbd[] }>(await t.api('/api/messages/in?size=2&page=1'));
    expect(page).toMatchObject({ totalElements: 3, totalPages: 2, numberOfElements: 1, number: 1, size: 2, first: false, last: true });
    expect(ids).toContain(page.content.map(idOf)[0]);
  });

  it('answers 400 for an unknown serviceIdentifier filter', async () => {
    expect((await peek('?serviceIdentifier=NOPE')).status).toBe(400);
    expect((await t.api('/api/messages/in?serviceIdentifier=NOPE')).status).toBe(400);
  });
});

describe('the peek lock', () => {
  let t: TestDaemon;
  beforeEach(async () => { t = await startTestDaemon(); });
  afterEach(async () => { await t.close(); });

  it('releases the lock when it expires: after 6 minutes the message can be peeked again', async () => {
    const m = await insertIncoming(t);
    expect(idOf(await jsonOf<Sbd>(await t.api('/api/messages/in/peek')))).toBe(m.messageId);
    expect((await t.api('/api/messages/in/peek')).status).toBe(204);

    await t.restart({ 'efm.clock.fixed': '2019-03-25T11:44:23Z' });

    const again = await t.api('/api/messages/in/peek');
    expect(again.status).toBe(200);
    expect(idOf(await jsonOf<Sbd>(again))).toBe(m.messageId);
  });
});
