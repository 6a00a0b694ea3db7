import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertIncoming } from '../support/incoming.js';
import { createMessage, errorOf, expectUploaded, jsonOf } from '../support/http.js';
import { arkivmeldingSbd, arkivmeldingXml, messageIdOf } from '../support/sbd.js';
import { DEFAULT_NOW, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// V1–V6 (api notes §2.8).
interface Conversation {
  id: number;
  conversationId: string;
  messageId: string;
  direction: string;
  finished: boolean;
  messageTitle?: string;
  messageReference?: string;
  messageStatuses: { id: number; status: string; lastUpdate: string }[];
}
interface Page {
  content: Conversation[];
  totalElements: number;
}

const at = (minutesLater: number) => new Date(new Date(DEFAULT_NOW).getTime() + minutesLater * 60_000);

describe('/api/conversations', () => {
  let t: TestDaemon;
  // Three outgoing conversations whose lastUpdate differs: `older` < `middle` < `newest`.
  let older: string;
  let middle: string;
  let newest: string;
  let incoming: string;
  beforeAll(async () => {
    t = await startTestDaemon();
    older = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    middle = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    newest = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    await expectUploaded(t, middle, { filename: 'arkivmelding.xml', contentType: 'application/xml', body: arkivmeldingXml('Reguleringsplan', ['plan.pdf']) });
    // Statuses from a transport, later in the day: they move lastUpdate and LEVERT finishes.
    await t.daemon.store.addStatus(middle, 'OUTGOING', { status: 'SENDT', at: at(10) });
    await t.daemon.store.addStatus(newest, 'OUTGOING', { status: 'SENDT', at: at(20) });
    await t.daemon.store.addStatus(newest, 'OUTGOING', { status: 'LEVERT', at: at(30) });
    incoming = (await insertIncoming(t)).messageId;
  });
  afterAll(async () => { await t.close(); });

  const list = async (query: string) => jsonOf<Page>(await t.api(`/api/conversations${query}`));
  const ids = (page: Page) => page.content.map((c) => c.messageId);

  it('refuses a request without credentials with 401', async () => {
    expect((await t.api('/api/conversations', { auth: false })).status).toBe(401);
  });

  it('lists every conversation, newest lastUpdate first by default, with its statuses', async () => {
    const page = await list('');
    expect(page.totalElements).toBe(4);
    expect(ids(page).slice(0, 2)).toEqual([newest, middle]);
    expect(page.content.find((c) => c.messageId === newest)?.messageStatuses.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'LEVERT']);
    const ascending = await list('?sort=lastUpdate,asc');
    expect(ids(ascending).slice(-2)).toEqual([middle, newest]);
  });

  it('filters by direction, finished, messageTitle, messageReference and messageId', async () => {
    expect(ids(await list('?direction=INCOMING'))).toEqual([incoming]);
    expect(ids(await list('?finished=true'))).toEqual([newest]);
    expect(ids(await list(`?messageTitle=${encodeURIComponent('Reguleringsplan')}`))).toEqual([middle]);
    expect(ids(await list('?messageReference=sak-42-7'))).toEqual([middle]);
    expect(ids(await list(`?messageId=${older}`))).toEqual([older]);
    expect(ids(await list('?direction=OUTGOING&receiverIdentifier=910075918&serviceIdentifier=DPO')).sort()).toEqual([older, middle, newest].sort());
  });

  it('filters by lastUpdate day (inclusive, Oslo time)', async () => {
    expect((await list('?lastUpdateFrom=2019-03-25&lastUpdateTo=2019-03-25')).totalElements).toBe(4);
    expect((await list('?lastUpdateFrom=2019-03-26')).totalElements).toBe(0);
  });

  it('answers 400 for filter values it cannot read', async () => {
    for (const query of ['?direction=SIDEWAYS', '?finished=maybe', '?serviceIdentifier=XYZ', '?lastUpdateFrom=25.03.2019', '?lastUpdateFrom=2019-13-45', '?size=ten']) {
      const res = await t.api(`/api/conversations${query}`);
      expect(res.status, query).toBe(400);
    }
  });

  it('gets an outgoing conversation by id and by messageId', async () => {
    const byMessage = await t.api(`/api/conversations/messageId/${middle}`);
    expect(byMessage.status).toBe(200);
    const conversation = await jsonOf<Conversation>(byMessage);
    expect(conversation).toMatchObject({ messageId: middle, direction: 'OUTGOING', messageTitle: 'Reguleringsplan', finished: false });
    const byId = await jsonOf<Conversation>(await t.api(`/api/conversations/${conversation.id}`));
    expect(byId).toEqual(conversation);
  });

  it('answers 404 ConversationNotFoundException for an unknown id and for an incoming conversation', async () => {
    const unknown = await t.api('/api/conversations/4242');
    expect(unknown.status).toBe(404);
    const body = await errorOf(unknown);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.ConversationNotFoundException');
    expect(body.message).toBe('Conversation with id = 4242 was not found');
    const incomingId = (await list('?direction=INCOMING')).content[0]?.id;
    expect((await t.api(`/api/conversations/${incomingId}`)).status).toBe(404);
    expect((await t.api('/api/conversations/abc')).status).toBe(400);
  });

  it('answers 404 MessageNotFoundException for an unknown messageId and for an incoming one', async () => {
    const res = await t.api('/api/conversations/messageId/no-such-message');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toBe('Message with messageId = no-such-message was not found');
    expect((await t.api(`/api/conversations/messageId/${incoming}`)).status).toBe(404);
  });

  it('lists only pollable conversations on /queue', async () => {
    expect((await list('/queue')).totalElements).toBe(0);
    const conversation = await t.daemon.store.findConversationByMessageId(older, 'OUTGOING');
    if (!conversation) throw new Error('conversation missing');
    await t.daemon.store.updateConversation(conversation.id, { pollable: true });
    expect(ids(await list('/queue'))).toEqual([older]);
  });

  it('deletes by id and by messageId (200, also when nothing matches)', async () => {
    const target = await jsonOf<Conversation>(await t.api(`/api/conversations/messageId/${older}`));
    expect((await t.api(`/api/conversations/${target.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await t.api(`/api/conversations/${target.id}`)).status).toBe(404);
    expect((await t.api(`/api/conversations/messageId/${newest}`, { method: 'DELETE' })).status).toBe(200);
    expect((await t.api(`/api/conversations/messageId/${newest}`)).status).toBe(404);
    expect((await t.api('/api/conversations/99999', { method: 'DELETE' })).status).toBe(200);
    expect((await t.api('/api/conversations/messageId/no-such-message', { method: 'DELETE' })).status).toBe(200);
  });
});
