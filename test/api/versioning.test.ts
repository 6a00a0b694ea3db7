import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessage, errorOf, jsonOf, postJson } from '../support/http.js';
import { arkivmeldingSbd, messageIdOf } from '../support/sbd.js';
import { startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// Our API major 2 is served at /api and /api/v2; every answer carries the full semver (issue 2).
describe('API versioning', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  afterAll(async () => { await t.close(); });

  it('lists the majors served on GET /api', async () => {
    const res = await t.api('/api');
    expect(res.status).toBe(200);
    expect(res.headers.get('api-version')).toBe('2.0.0');
    expect(await jsonOf(res)).toEqual({ versions: [{ major: 2, version: '2.0.0', status: 'current', paths: ['/api', '/api/v2'] }] });
  });

  it('sends API-Version on answers of /api and /api/v2 routes, errors included, and no Deprecation', async () => {
    for (const path of ['/api/statuses', '/api/v2/statuses', '/api/messages/out/no-such-message', '/api/v2/conversations/abc', '/api/openapi.json']) {
      const res = await t.api(path);
      expect(res.headers.get('api-version'), path).toBe('2.0.0');
      expect(res.headers.get('deprecation'), path).toBeNull();
      expect(res.headers.get('sunset'), path).toBeNull();
    }
  });

  it('serves the same resources at /api/v2 as at /api', async () => {
    const created = await postJson(t, '/api/v2/messages/out', arkivmeldingSbd());
    expect(created.status).toBe(200);
    const id = messageIdOf(await jsonOf(created));
    expect(await jsonOf(await t.api(`/api/messages/out/${id}`))).toEqual(await jsonOf(await t.api(`/api/v2/messages/out/${id}`)));
    const other = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    expect((await t.api(`/api/v2/conversations/messageId/${other}`)).status).toBe(200);
  });

  it('answers 404 in the error shape for a major it does not serve', async () => {
    const res = await t.api('/api/v1/statuses');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('EFM_NO_SUCH_ROUTE');
  });
});
