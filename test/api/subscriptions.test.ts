import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorOf, jsonOf, postJson, putJson } from '../support/http.js';
import { startTestDaemon, type TestDaemon } from '../support/test-daemon.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// W1–W6 (api notes §2.10, §5.5): subscriptions CRUD, validation, the ping.
const SECRET = 'a-secret-of-more-than-16-chars';

interface SubscriptionJson {
  id: number;
  name: string;
  pushEndpoint: string;
  resource: string;
  event: string;
  filter?: string;
  signed?: boolean;
}

describe('/api/subscriptions', () => {
  let t: TestDaemon;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await startTestDaemon();
    receiver = await startWebhookReceiver();
  });
  beforeEach(async () => {
    await t.api('/api/subscriptions', { method: 'DELETE' });
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const subscription = (o: Record<string, unknown> = {}) => ({
    name: 'saksbehandling', pushEndpoint: `${receiver.url}/hook`, resource: 'all', event: 'all', ...o,
  });
  const create = async (o: Record<string, unknown> = {}) => {
    const res = await postJson(t, '/api/subscriptions', subscription(o));
    if (res.status !== 200) throw new Error(`create answered ${res.status}: ${await res.text()}`);
    return jsonOf<SubscriptionJson>(res);
  };

  it('refuses a request without credentials with 401', async () => {
    expect((await t.api('/api/subscriptions', { auth: false })).status).toBe(401);
  });

  it('answers 400 with one field error per broken member', async () => {
    const res = await postJson(t, '/api/subscriptions', { name: ' ', pushEndpoint: 'not a url', resource: 'files', event: 'created' });
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.exception).toBe('org.springframework.web.bind.MethodArgumentNotValidException');
    expect(body.errors?.map((e) => [e.field, e.code])).toEqual([['name', 'NotBlank'], ['pushEndpoint', 'URL'], ['resource', 'OneOf'], ['event', 'OneOf']]);
    expect((await jsonOf<{ totalElements: number }>(await t.api('/api/subscriptions'))).totalElements).toBe(0);
  });

  it('answers 400 for a non-http endpoint, an id on create, a short secret and a missing body', async () => {
    expect((await postJson(t, '/api/subscriptions', subscription({ pushEndpoint: 'ftp://example.no/hook' }))).status).toBe(400);
    expect((await postJson(t, '/api/subscriptions', subscription({ id: 7 }))).status).toBe(400);
    const secret = await postJson(t, '/api/subscriptions', subscription({ secret: 'short' }));
    expect(secret.status).toBe(400);
    expect((await errorOf(secret)).errors?.map((e) => e.field)).toEqual(['secret']);
    expect((await t.api('/api/subscriptions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })).status).toBe(400);
  });

  it('answers 400 WebhookFilter for a filter it cannot read, an unknown key or an unknown operator', async () => {
    // At create and update the reference reports every filter parse failure as the bean constraint.
    for (const filter of ['status', 'colour=red', 'status!=FEIL', 'status=']) {
      const res = await postJson(t, '/api/subscriptions', subscription({ filter }));
      expect(res.status, filter).toBe(400);
      expect((await errorOf(res)).errors?.map((e) => [e.field, e.code, e.defaultMessage]), filter).toEqual([['filter', 'WebhookFilter', 'Must be a valid filter definition.']]);
    }
  });

  it('creates a subscription, pings its endpoint, and lists and gets it', async () => {
    const created = await create({ filter: 'status=LEVERT,FEIL&direction=OUTGOING' });
    expect(created).toEqual({
      id: created.id, name: 'saksbehandling', pushEndpoint: `${receiver.url}/hook`, resource: 'all', event: 'all', filter: 'status=LEVERT,FEIL&direction=OUTGOING',
    });
    const pings = receiver.events('ping');
    expect(pings).toHaveLength(1);
    expect(pings[0]?.path).toBe('/hook');
    expect(pings[0]?.body).toEqual({ createdTs: '2019-03-25T12:38:23+01:00', event: 'ping' });
    expect(pings[0]?.headers['content-type']).toBe('application/json');

    expect(await jsonOf(await t.api(`/api/subscriptions/${created.id}`))).toEqual(created);
    const page = await jsonOf<{ content: SubscriptionJson[]; totalElements: number }>(await t.api('/api/subscriptions'));
    expect(page.totalElements).toBe(1);
    expect(page.content).toEqual([created]);
  });

  it('creates even when the endpoint does not answer the ping', async () => {
    receiver.answerWith(500);
    try {
      expect((await postJson(t, '/api/subscriptions', subscription())).status).toBe(200);
    } finally {
      receiver.answerWith(200);
    }
  });

  it('answers 400 for a second subscription with the same name and endpoint', async () => {
    await create();
    const res = await postJson(t, '/api/subscriptions', subscription({ resource: 'messages' }));
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.SubscriptionWithSameNameAndPushEndpointAlreadyExists');
    expect((await postJson(t, '/api/subscriptions', subscription({ name: 'arkiv' }))).status).toBe(200);
  });

  it('answers 404 SubscriptionNotFoundException for get, update and delete of an unknown id', async () => {
    const get = await t.api('/api/subscriptions/4711');
    expect(get.status).toBe(404);
    const body = await errorOf(get);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.SubscriptionNotFoundException');
    expect(body.message).toBe('Subscription with id = 4711 was not found');
    expect((await putJson(t, '/api/subscriptions/4711', { name: 'x' })).status).toBe(404);
    expect((await t.api('/api/subscriptions/4711', { method: 'DELETE' })).status).toBe(404);
    expect((await t.api('/api/subscriptions/first')).status).toBe(400);
  });

  it('updates only the members given; pings again only when the endpoint changes', async () => {
    const created = await create();
    expect(receiver.events('ping')).toHaveLength(1);

    expect((await putJson(t, `/api/subscriptions/${created.id}`, { name: 'omdøpt', filter: 'direction=INCOMING' })).status).toBe(200);
    expect(await jsonOf(await t.api(`/api/subscriptions/${created.id}`))).toEqual({ ...created, name: 'omdøpt', filter: 'direction=INCOMING' });
    expect(receiver.events('ping')).toHaveLength(1);

    expect((await putJson(t, `/api/subscriptions/${created.id}`, { pushEndpoint: `${receiver.url}/moved` })).status).toBe(200);
    expect(receiver.events('ping').map((p) => p.path)).toEqual(['/hook', '/moved']);

    expect((await putJson(t, `/api/subscriptions/${created.id}`, { resource: 'files' })).status).toBe(400);
    expect((await putJson(t, `/api/subscriptions/${created.id}`, { filter: 'nope' })).status).toBe(400);
  });

  it('never returns the secret, only that deliveries are signed', async () => {
    const created = await create({ secret: SECRET });
    expect(created).not.toHaveProperty('secret');
    expect(created.signed).toBe(true);
    const text = await (await t.api(`/api/subscriptions/${created.id}`)).text();
    expect(text).not.toContain(SECRET);
    expect(await (await t.api('/api/subscriptions')).text()).not.toContain(SECRET);
    expect(t.logLines.some((l) => l.includes(SECRET))).toBe(false);
  });

  it('deletes one (200) and all (200)', async () => {
    const a = await create({ name: 'a' });
    await create({ name: 'b' });
    expect((await t.api(`/api/subscriptions/${a.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await t.api(`/api/subscriptions/${a.id}`)).status).toBe(404);
    expect((await jsonOf<{ totalElements: number }>(await t.api('/api/subscriptions'))).totalElements).toBe(1);
    expect((await t.api('/api/subscriptions', { method: 'DELETE' })).status).toBe(200);
    expect((await jsonOf<{ totalElements: number }>(await t.api('/api/subscriptions'))).totalElements).toBe(0);
  });
});
