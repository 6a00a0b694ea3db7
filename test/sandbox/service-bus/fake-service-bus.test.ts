import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock/index.js';
import { startFakeServiceBus, type FakeServiceBus } from '../../../src/sandbox/service-bus/index.js';

// The sandbox's Service Bus, spoken to with plain fetch and SAS headers made here: refusals first, then
// the queue semantics (peek-lock, delete, lock expiry, duplicate detection).

const clock = manualClock('2030-01-15T12:00:00Z');
const KEY_NAME = 'policy';
const KEY = 'the-key';
let bus: FakeServiceBus;

beforeAll(async () => {
  bus = await startFakeServiceBus({ clock, policies: { [KEY_NAME]: KEY }, lockDurationMs: 30_000 });
});
afterAll(() => bus.close());
afterEach(() => {
  bus.failures.clear();
  bus.clearRefusals();
});

function sas(url: string, o: { key?: string; keyName?: string; expiresIn?: number; resource?: string } = {}): string {
  const sr = encodeURIComponent(o.resource ?? url);
  const se = Math.floor(clock.now().getTime() / 1000) + (o.expiresIn ?? 20);
  const sig = createHmac('sha256', o.key ?? KEY).update(`${sr}\n${se}`).digest('base64');
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${se}&skn=${o.keyName ?? KEY_NAME}`;
}

async function call(method: string, path: string, o: { body?: string; messageId?: string; auth?: Parameters<typeof sas>[1] | null } = {}) {
  const url = `${bus.url}${path}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.auth !== null) headers.authorization = sas(url, o.auth);
  if (o.messageId !== undefined) headers.brokerproperties = JSON.stringify({ MessageId: o.messageId });
  const response = await fetch(url, { method, headers, body: o.body });
  const properties = response.headers.get('brokerproperties');
  return { status: response.status, text: await response.text(), properties: properties === null ? undefined : (JSON.parse(properties) as Record<string, unknown>) };
}

describe('fake Service Bus refusals', () => {
  it('answers 401 without a signature, with an unknown policy, a wrong key, an expired one, or one for another queue', async () => {
    const path = '/q-refusals/messages';
    expect((await call('POST', path, { body: '{}', auth: null })).status).toBe(401);
    expect((await call('POST', path, { body: '{}', auth: { keyName: 'other' } })).status).toBe(401);
    expect((await call('POST', path, { body: '{}', auth: { key: 'wrong' } })).status).toBe(401);
    expect((await call('POST', path, { body: '{}', auth: { expiresIn: -1 } })).status).toBe(401);
    expect((await call('POST', path, { body: '{}', auth: { resource: `${bus.url}/other-queue` } })).status).toBe(401);

    expect(bus.refusals).toEqual([
      'no SharedAccessSignature authorization', 'unknown policy other', 'the signature does not match', 'the signature has expired',
      `the signature is for ${bus.url}/other-queue, not ${bus.url}${path}`,
    ]);
    expect(bus.messages('q-refusals')).toEqual([]);
  });

  it('accepts a signature for the whole namespace', async () => {
    expect((await call('POST', '/q-namespace/messages', { body: '{}', auth: { resource: bus.url } })).status).toBe(201);
  });

  it('fails on demand without taking the message', async () => {
    bus.failures.failNext(1, { status: 500 });
    expect((await call('POST', '/q-fail/messages', { body: '{}' })).status).toBe(500);
    expect(bus.messages('q-fail')).toEqual([]);
  });
});

describe('fake Service Bus queues', () => {
  it('answers 204 to a peek-lock on an empty queue', async () => {
    expect((await call('POST', '/q-empty/messages/head')).status).toBe(204);
  });

  it('gives the head message locked, with its id and lock token, and deletes it with that token', async () => {
    await call('POST', '/q-basic/messages', { body: '{"n":1}', messageId: 'm1' });
    await call('POST', '/q-basic/messages', { body: '{"n":2}', messageId: 'm2' });

    const first = await call('POST', '/q-basic/messages/head');
    expect([first.status, first.text, first.properties?.MessageId]).toEqual([201, '{"n":1}', 'm1']);
    const second = await call('POST', '/q-basic/messages/head');
    expect(second.properties?.MessageId).toBe('m2');

    expect((await call('DELETE', `/q-basic/messages/m1/wrong-token`)).status).toBe(404);
    expect((await call('DELETE', `/q-basic/messages/m1/${String(first.properties?.LockToken)}`)).status).toBe(200);
    expect(bus.messages('q-basic').map((m) => m.messageId)).toEqual(['m2']);
  });

  it('gives a message again once its lock expired, and then refuses the old lock token', async () => {
    await call('POST', '/q-lock/messages', { body: '{}', messageId: 'm' });
    const first = await call('POST', '/q-lock/messages/head');
    expect((await call('POST', '/q-lock/messages/head')).status).toBe(204);

    clock.advance(30_000);
    const again = await call('POST', '/q-lock/messages/head');

    expect([again.properties?.MessageId, again.properties?.DeliveryCount]).toEqual(['m', 2]);
    expect((await call('DELETE', `/q-lock/messages/m/${String(first.properties?.LockToken)}`)).status).toBe(404);
  });

  it('drops a message whose MessageId the queue has seen, as duplicate detection does', async () => {
    expect((await call('POST', '/q-dup/messages', { body: '{"n":1}', messageId: 'same' })).status).toBe(201);
    expect((await call('POST', '/q-dup/messages', { body: '{"n":2}', messageId: 'same' })).status).toBe(201);
    expect(bus.messages('q-dup').map((m) => m.body.toString())).toEqual(['{"n":1}']);
  });

  it('keeps a message whose answer it was told to drop', async () => {
    bus.dropNextAnswers(1);
    await expect(call('POST', '/q-drop/messages', { body: '{}', messageId: 'kept' })).rejects.toThrow();
    expect(bus.messages('q-drop').map((m) => m.messageId)).toEqual(['kept']);
  });
});
