import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertIncoming } from '../support/incoming.js';
import { createMessage, errorOf, jsonOf } from '../support/http.js';
import { arkivmeldingSbd, conversationIdOf, messageIdOf } from '../support/sbd.js';
import { DEFAULT_NOW, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// S1–S4 (api notes §2.9).
interface Status {
  id: number;
  lastUpdate: string;
  status: string;
  conversationId: string;
  messageId: string;
  convId: number;
  description?: string;
}
interface Page {
  content: Status[];
  totalElements: number;
}

const at = (minutesLater: number) => new Date(new Date(DEFAULT_NOW).getTime() + minutesLater * 60_000);

describe('/api/statuses', () => {
  let t: TestDaemon;
  let first: Record<string, unknown>;
  let second: Record<string, unknown>;
  beforeAll(async () => {
    t = await startTestDaemon();
    first = await createMessage(t, arkivmeldingSbd());
    second = await createMessage(t, arkivmeldingSbd());
    await t.daemon.store.addStatus(messageIdOf(first), 'OUTGOING', { status: 'SENDT', at: at(60) });
    await t.daemon.store.addStatus(messageIdOf(first), 'OUTGOING', { status: 'LEVERT', at: at(120), description: 'levert til mottaker' });
  });
  afterAll(async () => { await t.close(); });

  const list = async (query: string) => jsonOf<Page>(await t.api(`/api/statuses${query}`));

  it('refuses a request without credentials with 401', async () => {
    expect((await t.api('/api/statuses', { auth: false })).status).toBe(401);
  });

  it("pages in exactly Spring's PageImpl shape, id ascending by default", async () => {
    const res = await t.api('/api/statuses?size=2');
    expect(res.status).toBe(200);
    const body = await jsonOf<Record<string, unknown>>(res);
    const sorted = { sorted: true, unsorted: false, empty: false };
    expect(body).toEqual({
      content: [
        { id: 1, lastUpdate: '2019-03-25T12:38:23+01:00', status: 'OPPRETTET', conversationId: conversationIdOf(first), messageId: messageIdOf(first), convId: 1 },
        { id: 2, lastUpdate: '2019-03-25T12:38:23+01:00', status: 'OPPRETTET', conversationId: conversationIdOf(second), messageId: messageIdOf(second), convId: 2 },
      ],
      pageable: { sort: sorted, offset: 0, pageSize: 2, pageNumber: 0, paged: true, unpaged: false },
      last: false,
      totalElements: 4,
      totalPages: 2,
      size: 2,
      number: 0,
      first: true,
      sort: sorted,
      numberOfElements: 2,
      empty: false,
    });
    const last = await list('?size=2&page=1');
    expect(last.content.map((s) => [s.id, s.status, s.description])).toEqual([[3, 'SENDT', undefined], [4, 'LEVERT', 'levert til mottaker']]);
  });

  it('filters by status, messageId, conversationId and id', async () => {
    expect((await list('?status=OPPRETTET')).totalElements).toBe(2);
    expect((await list(`?messageId=${messageIdOf(first)}`)).content.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'LEVERT']);
    expect((await list(`?conversationId=${conversationIdOf(second)}`)).content.map((s) => s.id)).toEqual([2]);
    expect((await list('?id=3')).content.map((s) => s.status)).toEqual(['SENDT']);
  });

  it('filters by fromDateTime and toDateTime together, inclusive', async () => {
    const from = encodeURIComponent('2019-03-25T13:30:00+01:00');
    const to = encodeURIComponent('2019-03-25T14:38:23+01:00');
    expect((await list(`?fromDateTime=${from}&toDateTime=${to}`)).content.map((s) => s.status)).toEqual(['SENDT', 'LEVERT']);
    // Without an offset the time is Oslo local time (api notes §1.1).
    expect((await list('?fromDateTime=2019-03-25T14:00:00&toDateTime=2019-03-25T15:00:00')).content.map((s) => s.status)).toEqual(['LEVERT']);
  });

  it('answers 400 when only one of fromDateTime and toDateTime is given', async () => {
    for (const query of ['?fromDateTime=2019-03-25T00:00:00Z', '?toDateTime=2019-03-25T00:00:00Z']) {
      const res = await t.api(`/api/statuses${query}`);
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).message).toBe('fromDateTime and toDateTime must be given together');
    }
  });

  it('answers 400, not 500, for query values it cannot read', async () => {
    const bad = ['?status=NOPE', '?id=abc', '?fromDateTime=yesterday&toDateTime=today', '?page=-1', '?size=x', '?sort=nope,desc', '?sort=id,sideways'];
    for (const query of bad) {
      const res = await t.api(`/api/statuses${query}`);
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).status, query).toBe(400);
    }
  });

  it('lists one message\'s statuses on /statuses/{messageId}, and an empty page for an unknown one', async () => {
    const res = await t.api(`/api/statuses/${messageIdOf(first)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await jsonOf<Page>(res)).content.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'LEVERT']);
    const unknown = await t.api('/api/statuses/no-such-message');
    expect(unknown.status).toBe(200);
    expect(await jsonOf<Page>(unknown)).toMatchObject({ content: [], totalElements: 0, empty: true });
  });

  it('answers peek with 204 when no service is in statusQueueIncludes', async () => {
    expect((await t.api('/api/statuses/peek')).status).toBe(204);
  });

  it('answers DELETE /statuses/{id} with 404 for a status not in the queue, and 400 for a non-number', async () => {
    const res = await t.api('/api/statuses/1', { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toBe('Status with id = 1 is not in the status queue');
    expect((await t.api('/api/statuses/abc', { method: 'DELETE' })).status).toBe(400);
  });
});

describe('/api/statuses/peek with difi.move.feature.statusQueueIncludes=DPO', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon({ config: { 'difi.move.feature.statusQueueIncludes': ['DPO'] } }); });
  afterAll(async () => { await t.close(); });

  it('hands out the oldest queued status until it is deleted, then the next, then 204', async () => {
    const sbd = await createMessage(t, arkivmeldingSbd());
    const incoming = await insertIncoming(t, { serviceIdentifier: 'DPE' });

    const peeked = await t.api('/api/statuses/peek');
    expect(peeked.status).toBe(200);
    const head = await jsonOf<Status>(peeked);
    expect(head).toMatchObject({ status: 'OPPRETTET', messageId: messageIdOf(sbd) });
    // Peek does not remove.
    expect(await jsonOf<Status>(await t.api('/api/statuses/peek'))).toEqual(head);

    await t.daemon.store.addStatus(messageIdOf(sbd), 'OUTGOING', { status: 'SENDT', at: new Date(DEFAULT_NOW) }, { enqueue: true });
    expect((await t.api(`/api/statuses/${head.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await t.api(`/api/statuses/${head.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(await jsonOf<Status>(await t.api('/api/statuses/peek'))).toMatchObject({ status: 'SENDT', messageId: messageIdOf(sbd) });

    // DPE is not included: the incoming DPE message's statuses never reach the queue.
    const next = await jsonOf<Status>(await t.api('/api/statuses/peek'));
    expect((await t.api(`/api/statuses/${next.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await t.api('/api/statuses/peek')).status).toBe(204);
    expect((await jsonOf<Page>(await t.api(`/api/statuses/${incoming.messageId}`))).totalElements).toBe(2);
  });
});
