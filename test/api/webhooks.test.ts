import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertIncoming } from '../support/incoming.js';
import { createMessage, postJson, runJob } from '../support/http.js';
import { arkivmeldingSbd, conversationIdOf, messageIdOf } from '../support/sbd.js';
import { DEFAULT_NOW, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';
import { startWebhookReceiver, type ReceivedPush, type WebhookReceiver } from '../support/webhook-receiver.js';

// Status events pushed to subscriptions (api notes §2.10), signed per Standard Webhooks when the
// subscription has a secret, and kept in a durable outbox across restarts.
const SECRET = 'whsec-is-not-needed-any-text-works';

/** The Standard Webhooks check, written out with node:crypto rather than the daemon's own helper. */
function signatureValid(push: ReceivedPush, secret: string): boolean {
  const id = push.headers['webhook-id'];
  const timestamp = push.headers['webhook-timestamp'];
  const signature = push.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${id}.${timestamp}.${push.rawBody}`).digest('base64');
  return signature.split(' ').includes(`v1,${expected}`);
}

const statusesOf = (pushes: ReceivedPush[]) => pushes.map((p) => [p.path, p.body.status]);

describe('webhook deliveries of status events', () => {
  let t: TestDaemon;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await startTestDaemon();
    receiver = await startWebhookReceiver();
  });
  beforeEach(async () => {
    await t.api('/api/subscriptions', { method: 'DELETE' });
    // Events recorded before this test's subscriptions existed are fanned out to nobody.
    await runJob(t, 'webhook-delivery');
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const subscribe = async (path: string, o: Record<string, unknown> = {}) => {
    const res = await postJson(t, '/api/subscriptions', { name: path, pushEndpoint: `${receiver.url}${path}`, resource: 'all', event: 'all', ...o });
    if (res.status !== 200) throw new Error(`subscribe answered ${res.status}: ${await res.text()}`);
  };
  const deliver = async () => expect((await runJob(t, 'webhook-delivery')).status).toBe(200);

  it('pushes OPPRETTET of a created message with the reference payload', async () => {
    await subscribe('/all');
    const sbd = await createMessage(t, arkivmeldingSbd());
    await deliver();
    const events = receiver.events('status');
    expect(events).toHaveLength(1);
    expect(events[0]?.body).toEqual({
      createdTs: '2019-03-25T12:38:23+01:00', resource: 'messages', event: 'status',
      messageId: messageIdOf(sbd), conversationId: conversationIdOf(sbd),
      direction: 'OUTGOING', serviceIdentifier: 'DPO', status: 'OPPRETTET',
    });
    expect(events[0]?.headers['content-type']).toBe('application/json');
    // No secret: no signature headers.
    expect(events[0]?.headers['webhook-signature']).toBeUndefined();
  });

  it('pushes each event only to the subscriptions whose filter matches', async () => {
    await subscribe('/levert', { filter: 'status=LEVERT,FEIL' });
    await subscribe('/incoming', { filter: 'direction=incoming' });
    await subscribe('/dpe', { filter: 'serviceIdentifier=DPE&direction=OUTGOING' });
    const sbd = await createMessage(t, arkivmeldingSbd());
    await insertIncoming(t);
    await t.daemon.store.addStatus(messageIdOf(sbd), 'OUTGOING', { status: 'LEVERT', at: new Date(DEFAULT_NOW) });
    await deliver();
    expect(statusesOf(receiver.events('status')).sort()).toEqual([
      ['/incoming', 'INNKOMMENDE_MOTTATT'], ['/incoming', 'OPPRETTET'], ['/levert', 'LEVERT'],
    ]);
  });

  it('pushes the status events of the API flows: INNKOMMENDE_LEVERT after an incoming delete', async () => {
    await subscribe('/all', { resource: 'messages', event: 'status' });
    const m = await insertIncoming(t);
    expect((await t.api(`/api/messages/in/peek?messageId=${m.messageId}`)).status).toBe(200);
    expect((await t.api(`/api/messages/in/${m.messageId}`, { method: 'DELETE' })).status).toBe(200);
    await deliver();
    expect(receiver.events('status').map((p) => p.body.status)).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT']);
  });

  it('signs pushes and pings of a subscription with a secret (Standard Webhooks, HMAC-SHA256)', async () => {
    await subscribe('/signed', { secret: SECRET });
    await createMessage(t, arkivmeldingSbd());
    await deliver();
    const [ping] = receiver.events('ping');
    const [event] = receiver.events('status');
    if (!ping || !event) throw new Error('expected a ping and an event');
    for (const push of [ping, event]) {
      expect(signatureValid(push, SECRET)).toBe(true);
      expect(signatureValid(push, `${SECRET}-other`)).toBe(false);
      expect(push.headers['webhook-timestamp']).toBe(String(Date.parse(DEFAULT_NOW) / 1000));
    }
    expect(ping.headers['webhook-id']).not.toBe(event.headers['webhook-id']);
    // A body changed in transit no longer verifies.
    expect(signatureValid({ ...event, rawBody: event.rawBody.replace('OPPRETTET', 'LEVERT') }, SECRET)).toBe(false);
  });
});

describe('a webhook delivery across a restart', () => {
  let t: TestDaemon;
  let receiver: WebhookReceiver | undefined;
  beforeEach(async () => { t = await startTestDaemon(); });
  afterEach(async () => {
    await t.close();
    await receiver?.close();
  });

  it('reaches an endpoint that was down before the restart and is up again after it', async () => {
    // Find a free port, then leave it closed: the endpoint is down.
    const probe = await startWebhookReceiver();
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const created = await postJson(t, '/api/subscriptions', { name: 'nede', pushEndpoint: `${probe.url}/hook`, resource: 'all', event: 'all', secret: SECRET });
    expect(created.status).toBe(200);
    const sbd = await createMessage(t, arkivmeldingSbd());
    expect((await runJob(t, 'webhook-delivery')).status).toBe(200);
    expect(t.logLines.some((l) => l.includes('webhook push failed; will retry'))).toBe(true);

    // Up again before the daemon is: the restarted dispatcher may push at once or when the job runs.
    receiver = await startWebhookReceiver(port);
    await t.restart({ 'efm.clock.fixed': '2019-03-25T11:40:00Z' });
    expect((await runJob(t, 'webhook-delivery')).status).toBe(200);

    const events = receiver.events('status');
    expect(events.map((p) => [p.body.messageId, p.body.status])).toEqual([[messageIdOf(sbd), 'OPPRETTET']]);
    const [event] = events;
    if (!event) return;
    expect(signatureValid(event, SECRET)).toBe(true);
    // The payload keeps its createdTs from before the restart.
    expect(event.body.createdTs).toBe('2019-03-25T12:38:23+01:00');
  });
});
