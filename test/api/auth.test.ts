import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../support/http.js';
import { PEER_ORG, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// HTTP basic auth on /api (api notes §1.1: on by default), and the reference's property names for it.
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const GUARDED: [string, string][] = [
  ['GET', '/api'], ['GET', '/api/openapi.json'], ['GET', `/api/capabilities/${PEER_ORG}`],
  ['POST', '/api/messages/out'], ['GET', '/api/messages/out'], ['GET', '/api/messages/out/x'], ['PUT', '/api/messages/out/x'],
  ['POST', '/api/messages/out/x'], ['DELETE', '/api/messages/out/x'], ['POST', '/api/messages/out/multipart'],
  ['GET', '/api/messages/in'], ['GET', '/api/messages/in/peek'], ['GET', '/api/messages/in/pop/x'], ['DELETE', '/api/messages/in/x'],
  ['GET', '/api/conversations'], ['GET', '/api/conversations/1'], ['GET', '/api/conversations/messageId/x'], ['GET', '/api/conversations/queue'],
  ['DELETE', '/api/conversations/1'], ['DELETE', '/api/conversations/messageId/x'],
  ['GET', '/api/statuses'], ['GET', '/api/statuses/x'], ['GET', '/api/statuses/peek'], ['DELETE', '/api/statuses/1'],
  ['GET', '/api/subscriptions'], ['GET', '/api/subscriptions/1'], ['POST', '/api/subscriptions'], ['PUT', '/api/subscriptions/1'],
  ['DELETE', '/api/subscriptions/1'], ['DELETE', '/api/subscriptions'], ['POST', '/api/validation'],
  ['GET', '/api/v2/statuses'], ['DELETE', '/api/v2/subscriptions'],
];

describe('basic auth on /api', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  afterAll(async () => { await t.close(); });

  it('answers 401 with a Basic challenge on every /api route when no credentials are sent', async () => {
    for (const [method, path] of GUARDED) {
      const res = await t.api(path, { method, auth: false });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers.get('www-authenticate'), `${method} ${path}`).toBe('Basic realm="integrasjonspunkt", charset="UTF-8"');
    }
    // Nothing was changed by the refused calls.
    expect((await t.api('/api/subscriptions')).status).toBe(200);
  });

  it('answers 401 in the reference error shape', async () => {
    const body = await errorOf(await t.api('/api/statuses', { auth: false }));
    expect(body).toMatchObject({
      status: 401, error: 'Unauthorized', path: '/api/statuses', code: 'EFM_UNAUTHORIZED',
      exception: 'org.springframework.security.authentication.InsufficientAuthenticationException',
      message: 'Full authentication is required to access this resource',
    });
  });

  it('answers 401 for a wrong password, a wrong user, another scheme and a malformed header', async () => {
    const headers = [basic('testuser', 'wrong'), basic('someone', 'testpassword'), 'Bearer abc.def.ghi', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`];
    for (const authorization of headers) {
      const res = await t.api('/api/statuses', { auth: false, headers: { authorization } });
      expect(res.status, authorization).toBe(401);
    }
  });

  it('lets the right credentials through', async () => {
    expect((await t.api('/api/statuses', { auth: false, headers: { authorization: basic('testuser', 'testpassword') } })).status).toBe(200);
  });
});

describe('auth settings under the reference property names', () => {
  let t: TestDaemon;
  beforeAll(async () => {
    t = await startTestDaemon({ config: {
      'efm.api.auth.username': undefined, 'efm.api.auth.password': undefined,
      'spring.security.user.name': 'spring-user', 'spring.security.user.password': 'spring-secret',
    } });
  });
  afterAll(async () => { await t.close(); });

  it('takes the credentials from spring.security.user.*', async () => {
    expect((await t.api('/api/statuses', { auth: false, headers: { authorization: basic('spring-user', 'spring-secret') } })).status).toBe(200);
    expect((await t.api('/api/statuses')).status).toBe(401);
  });
});

describe('auth switched off with difi.move.feature.enable-auth=false', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon({ config: { 'difi.move.feature.enable-auth': false } }); });
  afterAll(async () => { await t.close(); });

  it('serves /api without credentials', async () => {
    const res = await t.api('/api/statuses', { auth: false });
    expect(res.status).toBe(200);
    expect(res.headers.get('www-authenticate')).toBeNull();
  });
});
