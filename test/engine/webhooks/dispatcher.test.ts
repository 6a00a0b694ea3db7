import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, manualClock, type Clock } from '../../../src/clock/index.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../../../src/engine/webhooks/index.js';
import { MemoryOutbox } from './memory-outbox.js';
import { Receiver } from './receiver.js';

const FIXED = '2019-03-25T11:38:23Z';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function statusEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    createdTs: '2019-03-25T12:38:23+01:00',
    resource: 'messages',
    event: 'status',
    messageId: 'bb8bb41a-c559-47ed-84f1-1846ece5d591',
    conversationId: 'bb8bb41a-c559-47ed-84f1-1846ece5d590',
    direction: 'INCOMING',
    serviceIdentifier: 'DPO',
    status: 'MOTTATT',
    description: 'some description',
    ...overrides,
  };
}

describe(WebhookDispatcher.name, () => {
  let receiver: Receiver;
  let store: MemoryOutbox;
  let logLines: LogLine[];
  const dispatchers: WebhookDispatcher[] = [];

  function dispatcher(options: Partial<WebhookDispatcherOptions> & { clock?: Clock } = {}): WebhookDispatcher {
    const log = pino({ level: 'debug' }, { write: (line: string) => { logLines.push(JSON.parse(line) as LogLine); } });
    const d = new WebhookDispatcher({ store, clock: fixedClock(FIXED), log, initialBackoffMs: 20, maxAttempts: 4, ...options });
    dispatchers.push(d);
    return d;
  }

  beforeEach(async () => {
    receiver = new Receiver();
    await receiver.listen();
    store = new MemoryOutbox();
    logLines = [];
  });

  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
    await receiver.close();
  });

  it('posts the stored payload as JSON with Content-Type exactly application/json and no signature headers', async () => {
    store.addSubscription({ pushEndpoint: receiver.url('/my/test/endpoint') });
    const payload = statusEvent();
    await store.addWebhookEvent(payload, new Date(FIXED));

    await dispatcher().drain();

    expect(receiver.pushes).toHaveLength(1);
    const [push] = receiver.pushes;
    expect(push?.method).toBe('POST');
    expect(push?.path).toBe('/my/test/endpoint');
    expect(push?.headers['content-type']).toBe('application/json');
    expect(push?.body).toBe(JSON.stringify(payload));
    expect(push?.headers['webhook-signature']).toBeUndefined();
    expect(store.completed).toHaveLength(1);
    expect(store.deliveries).toEqual([]);
  });

  it('sends an event only to the subscriptions that match it', async () => {
    store.addSubscription({ pushEndpoint: receiver.url('/all') });
    store.addSubscription({ pushEndpoint: receiver.url('/incoming-dpo'), resource: 'messages', event: 'status', filter: 'direction=incoming&serviceIdentifier=DPO,DPI' });
    store.addSubscription({ pushEndpoint: receiver.url('/failures'), filter: 'status=FEIL,LEVETID_UTLOPT' });
    store.addSubscription({ pushEndpoint: receiver.url('/outgoing'), filter: 'direction=OUTGOING' });
    await store.addWebhookEvent(statusEvent({ status: 'MOTTATT', direction: 'INCOMING' }), new Date(FIXED));
    await store.addWebhookEvent(statusEvent({ status: 'FEIL', direction: 'OUTGOING', serviceIdentifier: 'DPV' }), new Date(FIXED));

    await dispatcher().drain();

    expect(receiver.to('/all').map((p) => JSON.parse(p.body).status)).toEqual(['MOTTATT', 'FEIL']);
    expect(receiver.to('/incoming-dpo').map((p) => JSON.parse(p.body).status)).toEqual(['MOTTATT']);
    expect(receiver.to('/failures').map((p) => JSON.parse(p.body).status)).toEqual(['FEIL']);
    expect(receiver.to('/outgoing').map((p) => JSON.parse(p.body).status)).toEqual(['FEIL']);
  });

  it('leaves out a subscription whose stored filter is broken, and says so in the log', async () => {
    const broken = store.addSubscription({ pushEndpoint: receiver.url('/broken'), filter: 'colour=red' });
    store.addSubscription({ pushEndpoint: receiver.url('/fine') });
    await store.addWebhookEvent(statusEvent(), new Date(FIXED));

    await dispatcher().drain();

    expect(receiver.pushes.map((p) => p.path)).toEqual(['/fine']);
    expect(logLines).toContainEqual(expect.objectContaining({ level: 40, subscriptionId: broken.id }));
  });

  it('signs a push for a subscription with a secret so that an independent HMAC verifies it', async () => {
    const secret = 'whsec_' + Buffer.from('a key of thirty-two random bytes').toString('base64');
    store.addSubscription({ pushEndpoint: receiver.url('/signed'), secret });
    await store.addWebhookEvent(statusEvent(), new Date(FIXED));

    await dispatcher().drain();

    const push = receiver.pushes[0];
    const id = String(push?.headers['webhook-id']);
    const timestamp = String(push?.headers['webhook-timestamp']);
    const expected = createHmac('sha256', Buffer.from('a key of thirty-two random bytes'))
      .update(`${id}.${timestamp}.${push?.body}`)
      .digest('base64');
    expect(push?.headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(timestamp).toBe(String(Date.parse(FIXED) / 1000));
    expect(id).toBe(store.completed[0]?.webhookId);
    expect(push?.headers['content-type']).toBe('application/json');
  });

  it('retries a failed push while the clock stands still, keeping its webhook-id', async () => {
    store.addSubscription({ pushEndpoint: receiver.url('/flaky'), secret: 'plain secret' });
    receiver.script.push(Receiver.answer(500));
    const d = dispatcher();
    d.start();
    await store.addWebhookEvent(statusEvent(), new Date(FIXED));
    d.wake();

    await receiver.received(2);
    await d.drain();

    expect(receiver.pushes).toHaveLength(2);
    expect(receiver.pushes[1]?.headers['webhook-id']).toBe(receiver.pushes[0]?.headers['webhook-id']);
    expect(receiver.pushes[1]?.body).toBe(receiver.pushes[0]?.body);
    expect(store.failures).toHaveLength(1);
    expect(store.failures[0]?.error).toBe('HTTP 500');
    // Stored in the Clock's timeline: the fixed instant plus at least the backoff.
    expect(store.failures[0]?.retryAt.getTime()).toBeGreaterThanOrEqual(Date.parse(FIXED) + 20);
    expect(store.completed).toHaveLength(1);
    expect(store.deliveries).toEqual([]);
  });

  it('gives up after maxAttempts and logs a warning', async () => {
    store.addSubscription({ pushEndpoint: receiver.url('/down') });
    receiver.fallback = Receiver.answer(503);
    const d = dispatcher({ maxAttempts: 3, initialBackoffMs: 5 });
    d.start();
    await store.addWebhookEvent(statusEvent(), new Date(FIXED));
    d.wake();

    await receiver.received(3);
    await d.drain();

    expect(store.dropped).toEqual([expect.objectContaining({ error: 'HTTP 503' })]);
    expect(store.dropped[0]?.delivery.attempts).toBe(2);
    expect(store.deliveries).toEqual([]);
    expect(await store.nextWebhookDeliveryAt()).toBeUndefined();
    expect(receiver.pushes).toHaveLength(3);
    expect(logLines).toContainEqual(expect.objectContaining({ level: 40, msg: 'webhook push failed; delivery dropped', attempt: 3 }));
  });

  it('counts a refused connection as a failed attempt', async () => {
    const closed = new Receiver();
    await closed.listen();
    const deadEndpoint = closed.url('/gone');
    await closed.close();
    store.addSubscription({ pushEndpoint: deadEndpoint });
    await store.addWebhookEvent(statusEvent(), new Date(FIXED));

    await dispatcher({ maxAttempts: 1 }).drain();

    expect(store.dropped).toHaveLength(1);
    expect(store.dropped[0]?.error).toMatch(/ECONNREFUSED/);
  });

  it('makes a retry due by the Clock when the Clock moves past its time', async () => {
    const clock = manualClock(FIXED);
    store.addSubscription({ pushEndpoint: receiver.url('/later') });
    receiver.script.push(Receiver.answer(500));
    const d = dispatcher({ clock, initialBackoffMs: 60 * 60 * 1000 });
    await store.addWebhookEvent(statusEvent(), new Date(FIXED));

    await d.drain();
    expect(store.deliveries).toHaveLength(1);
    clock.advance(2 * 60 * 60 * 1000);
    await d.drain();

    expect(receiver.pushes).toHaveLength(2);
    expect(store.completed).toHaveLength(1);
  });

  it('drops a delivery whose subscription has been deleted, without pushing it', async () => {
    const subscription = store.addSubscription({ pushEndpoint: receiver.url('/deleted') });
    const event = await store.addWebhookEvent(statusEvent(), new Date(FIXED));
    await store.fanOutWebhookEvent(event.id, [{ subscriptionId: subscription.id, webhookId: 'wh-1' }], new Date(FIXED));
    store.removeSubscription(subscription.id);

    await dispatcher().drain();

    expect(receiver.pushes).toEqual([]);
    expect(store.deliveries).toEqual([]);
  });

  it('delivers what a stopped dispatcher left behind when a new one starts over the same store', async () => {
    store.addSubscription({ pushEndpoint: receiver.url('/restart') });
    receiver.script.push(Receiver.answer(500));
    const first = dispatcher({ initialBackoffMs: 50 });
    first.start();
    await store.addWebhookEvent(statusEvent({ status: 'SENDT' }), new Date(FIXED));
    first.wake();
    await receiver.received(1);
    await first.stop();
    // Recorded while no dispatcher ran, so never fanned out.
    await store.addWebhookEvent(statusEvent({ status: 'LEVERT' }), new Date(FIXED));
    expect(store.deliveries).toHaveLength(1);

    const second = dispatcher({ initialBackoffMs: 50 });
    second.start();
    await receiver.received(3);
    await second.drain();

    expect(receiver.pushes.map((p) => JSON.parse(p.body).status).sort()).toEqual(['LEVERT', 'SENDT', 'SENDT']);
    expect(store.completed).toHaveLength(2);
    expect(store.pendingEvents()).toEqual([]);
    expect(store.deliveries).toEqual([]);
  });

  it('stop waits for the push in flight and starts no new one', async () => {
    store.addSubscription({ pushEndpoint: receiver.url('/slow') });
    let release: () => void = () => undefined;
    receiver.script.push((_push, res) => { release = () => res.end(); });
    const d = dispatcher();
    d.start();
    await store.addWebhookEvent(statusEvent(), new Date(FIXED));
    d.wake();
    await receiver.received(1);

    let stopped = false;
    const stopping = d.stop().then(() => { stopped = true; });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;

    expect(store.completed).toHaveLength(1);
    await store.addWebhookEvent(statusEvent({ status: 'LEVERT' }), new Date(FIXED));
    d.wake();
    await d.drain();
    expect(store.pendingEvents()).toHaveLength(1);
    expect(receiver.pushes).toHaveLength(1);
  });

  it("pushes one subscription's events one at a time, in event order", async () => {
    store.addSubscription({ pushEndpoint: receiver.url('/ordered') });
    receiver.fallback = (_push, res) => setImmediate(() => res.end());
    const statuses = ['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'LEST'];
    for (const status of statuses) await store.addWebhookEvent(statusEvent({ status }), new Date(FIXED));

    await dispatcher().drain();

    expect(receiver.pushes.map((p) => JSON.parse(p.body).status)).toEqual(statuses);
    expect(receiver.maxInFlight.get('/ordered')).toBe(1);
  });

  it('pushes each event exactly once however many wakes come', async () => {
    store.addSubscription({ pushEndpoint: receiver.url('/busy') });
    const d = dispatcher();
    d.start();
    for (let i = 0; i < 20; i++) {
      await store.addWebhookEvent(statusEvent({ messageId: `m-${i}` }), new Date(FIXED));
      d.wake();
    }

    await receiver.received(20);
    await d.drain();

    const ids = receiver.pushes.map((p) => JSON.parse(p.body).messageId);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(store.deliveries).toEqual([]);
  });

  describe('ping', () => {
    it('posts the ping with createdTs from the Clock and reports the 2xx', async () => {
      const ok = await dispatcher().ping({ pushEndpoint: receiver.url('/my/test/endpoint') });

      expect(ok).toBe(true);
      const push = receiver.pushes[0];
      expect(push?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(push?.body ?? '')).toEqual({ createdTs: '2019-03-25T12:38:23+01:00', event: 'ping' });
      expect(push?.headers['webhook-id']).toBeUndefined();
    });

    it('signs the ping when there is a secret', async () => {
      await dispatcher().ping({ pushEndpoint: receiver.url('/signed'), secret: 'plain secret' });

      const push = receiver.pushes[0];
      const expected = createHmac('sha256', 'plain secret')
        .update(`${String(push?.headers['webhook-id'])}.${String(push?.headers['webhook-timestamp'])}.${push?.body}`)
        .digest('base64');
      expect(push?.headers['webhook-signature']).toBe(`v1,${expected}`);
    });

    it('reports a failed or unreachable ping as false and logs it, without retrying', async () => {
      receiver.fallback = Receiver.answer(404);
      const d = dispatcher();

      expect(await d.ping({ pushEndpoint: receiver.url('/missing') })).toBe(false);
      expect(await d.ping({ pushEndpoint: 'http://127.0.0.1:1/nothing-listens' })).toBe(false);
      expect(await d.ping({ pushEndpoint: 'not a url' })).toBe(false);

      expect(receiver.pushes).toHaveLength(1);
      expect(logLines.filter((l) => l.msg === 'webhook ping failed')).toHaveLength(3);
      expect(store.deliveries).toEqual([]);
    });
  });
});
