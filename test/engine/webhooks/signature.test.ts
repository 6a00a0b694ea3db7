import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, webhookSignatureHeaders } from '../../../src/engine/webhooks/signature.js';

// Independent computation of the Standard Webhooks signature, written from the spec.
function expectedSignature(key: Buffer, id: string, timestamp: number, body: string): string {
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
}

const body = '{"createdTs":"2019-03-25T12:38:23+01:00","event":"status","status":"LEVERT","description":"Levert – ok"}';
const timestamp = 1553513903;
const now = new Date(timestamp * 1000);

describe(signWebhook.name, () => {
  it('signs id, timestamp and body with the UTF-8 bytes of a plain secret', () => {
    const secret = 'a plain shared secret';
    expect(signWebhook({ secret, webhookId: 'wh-1', timestamp, body })).toBe(
      expectedSignature(Buffer.from(secret, 'utf8'), 'wh-1', timestamp, body),
    );
  });

  it('uses the decoded bytes of a whsec_ secret', () => {
    const key = Buffer.from('c2VjcmV0LWtleS1ieXRlcy0wMTIzNDU2Nzg5', 'base64');
    const secret = `whsec_${key.toString('base64')}`;
    expect(signWebhook({ secret, webhookId: 'wh-1', timestamp, body })).toBe(expectedSignature(key, 'wh-1', timestamp, body));
  });

  it('reproduces the test vector published with the Standard Webhooks libraries', () => {
    expect(signWebhook({
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      webhookId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
    })).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('treats a whsec_ secret whose rest is not base64 as plain text', () => {
    const secret = 'whsec_not base64!';
    expect(signWebhook({ secret, webhookId: 'wh-1', timestamp, body })).toBe(
      expectedSignature(Buffer.from(secret, 'utf8'), 'wh-1', timestamp, body),
    );
  });
});

describe(verifyWebhook.name, () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const headers = webhookSignatureHeaders({ secret, webhookId: 'wh-7', timestamp, body });

  it('accepts the headers it signed', () => {
    expect(headers['webhook-id']).toBe('wh-7');
    expect(headers['webhook-timestamp']).toBe(String(timestamp));
    expect(verifyWebhook({ secret, headers, body, now })).toBe(true);
    expect(verifyWebhook({ secret, headers, body: Buffer.from(body), now: new Date(now.getTime() + 299_000) })).toBe(true);
  });

  it('rejects a changed body, another secret, another id and a missing header', () => {
    expect(verifyWebhook({ secret, headers, body: body.replace('LEVERT', 'FEIL'), now })).toBe(false);
    expect(verifyWebhook({ secret: 'whsec_b3RoZXI=', headers, body, now })).toBe(false);
    expect(verifyWebhook({ secret, headers: { ...headers, 'webhook-id': 'wh-8' }, body, now })).toBe(false);
    expect(verifyWebhook({ secret, headers: { ...headers, 'webhook-signature': undefined }, body, now })).toBe(false);
  });

  it('rejects a timestamp outside the tolerance', () => {
    expect(verifyWebhook({ secret, headers, body, now: new Date(now.getTime() + 301_000) })).toBe(false);
    expect(verifyWebhook({ secret, headers, body, now: new Date(now.getTime() - 60_000), toleranceSeconds: 30 })).toBe(false);
  });

  it('accepts when one of several space-separated signatures matches', () => {
    const rotated = { ...headers, 'webhook-signature': `v1,b3RoZXI= v2,xyz ${headers['webhook-signature']}` };
    expect(verifyWebhook({ secret, headers: rotated, body, now })).toBe(true);
  });
});
