import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, postJson } from '../support/http.js';
import { startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// The one error mapper (STYLE.md "Errors"): the reference's body with our code and the RFC 9457
// members, problem+json on request, a correlation id everywhere, nothing internal in a 500.
describe('error answers', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  afterAll(async () => { await t.close(); });

  it('answers an unknown route with 404 in the error shape', async () => {
    const res = await t.api('/api/no-such-resource');
    expect(res.status).toBe(404);
    const body = await errorOf(res);
    expect(body).toMatchObject({
      status: 404, error: 'Not Found', message: 'No endpoint GET /api/no-such-resource', path: '/api/no-such-resource', code: 'EFM_NO_SUCH_ROUTE',
      title: 'Not Found', detail: 'No endpoint GET /api/no-such-resource', instance: '/api/no-such-resource', type: 'urn:efm:problem:efm_no_such_route',
    });
    expect(body.timestamp).toBe('2019-03-25T12:38:23+01:00');
    expect((await t.api('/nothing/here', { auth: false })).status).toBe(404);
  });

  it('answers application/json by default and application/problem+json when asked for it', async () => {
    const plain = await t.api('/api/messages/out/no-such-message');
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    const problem = await t.api('/api/messages/out/no-such-message', { headers: { accept: 'application/problem+json' } });
    expect(problem.status).toBe(404);
    expect(problem.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await errorOf(problem);
    expect(body).toMatchObject({ status: 404, title: 'Not Found', detail: 'Message with messageId = no-such-message was not found', code: 'EFM_MESSAGE_NOT_FOUND' });
  });

  it('echoes a correlation id the client sends, in the header and the error body', async () => {
    const res = await t.api('/api/conversations/abc', { headers: { 'x-correlation-id': 'case-system-4711' } });
    expect(res.headers.get('x-correlation-id')).toBe('case-system-4711');
    expect((await errorOf(res)).correlationId).toBe('case-system-4711');
    const viaRequestId = await t.api('/api/statuses', { headers: { 'x-request-id': 'req-0042' } });
    expect(viaRequestId.headers.get('x-correlation-id')).toBe('req-0042');
  });

  it('generates a correlation id when none (or an unusable one) is sent', async () => {
    const none = await t.api('/api/conversations/abc');
    const generated = none.headers.get('x-correlation-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect((await errorOf(none)).correlationId).toBe(generated);
    const unusable = await t.api('/api/statuses', { headers: { 'x-correlation-id': 'has spaces and <html>' } });
    expect(unusable.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(t.logLines.some((l) => l.includes(`"reqId":"${generated}"`))).toBe(true);
  });

  it('answers 413 for a JSON body over the limit', async () => {
    const res = await postJson(t, '/api/messages/out', { padding: 'x'.repeat(11 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('EFM_PAYLOAD_TOO_LARGE');
  });
});

describe('an unexpected failure', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  // The test closes the store under the running daemon, so the daemon's own close fails on it.
  afterAll(async () => { await t.close().catch(() => undefined); });

  it('answers 500 with a generic text and the correlation id, without stack or internals', async () => {
    await t.daemon.store.close();
    const res = await t.api('/api/messages/out', { headers: { 'x-correlation-id': 'broken-store-1' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 500, code: 'EFM_INTERNAL', message: 'Internal error; see the daemon log for this correlation id', correlationId: 'broken-store-1' });
    expect(body).not.toHaveProperty('stack');
    expect(text).not.toMatch(/SQLITE|sqlite3|\.ts:\d+|node_modules/);
    // The log has what the body leaves out, under the same correlation id.
    expect(t.logLines.some((l) => l.includes('"reqId":"broken-store-1"') && l.includes('SQLITE_MISUSE'))).toBe(true);
  });
});
