import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, jsonOf, postJson, runJob } from '../support/http.js';
import { PASSWORD, USER, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// /manage beyond health: authenticated (the reference leaves it open; we do not), with the API's
// credentials unless separate ones are configured.
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const GUARDED: [string, string][] = [
  ['GET', '/manage/info'], ['GET', '/manage/prometheus'], ['GET', '/manage/jobs'],
  ['POST', '/manage/jobs/webhook-delivery/run'], ['POST', '/manage/webhooks/publish'],
];

describe('/manage with the API credentials', () => {
  let t: TestDaemon;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await startTestDaemon();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('answers 401 without credentials on everything but health', async () => {
    for (const [method, path] of GUARDED) {
      const res = await t.api(path, { method, auth: false });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers.get('www-authenticate'), path).toMatch(/^Basic /);
    }
    expect((await t.api('/manage/info', { auth: false, headers: { authorization: basic(USER, 'wrong') } })).status).toBe(401);
  });

  it('describes the daemon on /manage/info', async () => {
    const res = await t.api('/manage/info');
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({
      version: '0.0.0-test', organisationNumber: '910077473', enabledServices: ['DPO', 'DPE'], apiVersions: ['2'],
    });
  });

  it('lists the jobs and runs one by name', async () => {
    const jobs = await jsonOf<{ jobs: string[] }>(await t.api('/manage/jobs'));
    expect(jobs.jobs).toContain('webhook-delivery');
    const run = await runJob(t, 'webhook-delivery');
    expect(run.status).toBe(200);
    expect(await jsonOf(run)).toEqual({ job: 'webhook-delivery', status: 'completed' });
  });

  it('answers 404 naming the known jobs for an unknown one', async () => {
    const res = await runJob(t, 'no-such-job');
    expect(res.status).toBe(404);
    const body = await errorOf(res);
    expect(body.code).toBe('EFM_JOB_NOT_FOUND');
    expect(body.message).toMatch(/^No job named 'no-such-job'\. Known jobs: .*webhook-delivery/);
  });

  it('validates a published status event (400) and pushes a good one to the subscriptions (200)', async () => {
    const subscribed = await postJson(t, '/api/subscriptions', { name: 'hook', pushEndpoint: `${receiver.url}/hook`, resource: 'all', event: 'all' });
    expect(subscribed.status).toBe(200);

    const notAnObject = await postJson(t, '/manage/webhooks/publish', ['LEVERT']);
    expect(notAnObject.status).toBe(400);
    const bad = await postJson(t, '/manage/webhooks/publish', { status: 'NOPE', direction: 'OUTGOING', serviceIdentifier: 'DPX' });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).errors?.map((e) => e.field).sort()).toEqual(['conversationId', 'messageId', 'serviceIdentifier', 'status']);

    const ok = await postJson(t, '/manage/webhooks/publish', {
      conversationId: 'c-1', messageId: 'm-1', direction: 'OUTGOING', serviceIdentifier: 'DPO', status: 'LEVERT', description: 'levert',
    });
    expect(ok.status).toBe(200);
    expect(await jsonOf(ok)).toEqual({ published: true });
    expect((await runJob(t, 'webhook-delivery')).status).toBe(200);
    expect(receiver.events('status').map((p) => p.body)).toEqual([{
      createdTs: '2019-03-25T12:38:23+01:00', resource: 'messages', event: 'status',
      conversationId: 'c-1', messageId: 'm-1', direction: 'OUTGOING', serviceIdentifier: 'DPO', status: 'LEVERT', description: 'levert',
    }]);
  });
});

describe('/manage with separate management credentials', () => {
  let t: TestDaemon;
  beforeAll(async () => {
    t = await startTestDaemon({ config: { 'efm.manage.username': 'operator', 'efm.manage.password': 'operator-secret' } });
  });
  afterAll(async () => { await t.close(); });

  it('takes the management credentials on /manage and refuses the API ones there', async () => {
    expect((await t.api('/manage/info', { auth: false, headers: { authorization: basic('operator', 'operator-secret') } })).status).toBe(200);
    expect((await t.api('/manage/info', { auth: false, headers: { authorization: basic(USER, PASSWORD) } })).status).toBe(401);
    expect((await t.api('/manage/health', { auth: false })).status).toBe(200);
  });

  it('keeps the API on the API credentials only', async () => {
    expect((await t.api('/api/statuses')).status).toBe(200);
    expect((await t.api('/api/statuses', { auth: false, headers: { authorization: basic('operator', 'operator-secret') } })).status).toBe(401);
  });
});
