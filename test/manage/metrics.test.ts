import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessage } from '../support/http.js';
import { insertIncoming } from '../support/incoming.js';
import { arkivmeldingSbd } from '../support/sbd.js';
import { startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// /manage/prometheus: request and message counters and the queue depth (issue 2).
describe('GET /manage/prometheus', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  afterAll(async () => { await t.close(); });

  const scrape = async () => {
    const res = await t.api('/manage/prometheus');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };
  const sample = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('refuses a scrape without credentials with 401', async () => {
    expect((await t.api('/manage/prometheus', { auth: false })).status).toBe(401);
  });

  it('counts requests by route template and status, and messages by status', async () => {
    await createMessage(t, arkivmeldingSbd());
    await t.api('/api/messages/out/one-id');
    await t.api('/api/messages/out/another-id');
    await t.api('/api/v2/messages/out/third-id');
    const text = await scrape();
    expect(text).toContain('# TYPE efm_http_requests_total counter');
    expect(sample(text, 'efm_http_requests_total{method="POST",route="/api/messages/out",status="200"}')).toBe(1);
    // Both lookups count under one template, not one series per id.
    expect(sample(text, 'efm_http_requests_total{method="GET",route="/api/messages/out/:messageId",status="404"}')).toBe(2);
    expect(sample(text, 'efm_http_requests_total{method="GET",route="/api/v2/messages/out/:messageId",status="404"}')).toBe(1);
    expect(sample(text, 'efm_message_statuses_total{direction="OUTGOING",service="DPO",status="OPPRETTET"}')).toBe(1);
  });

  it('reports the queue depth per direction', async () => {
    const before = await scrape();
    const outgoing = sample(before, 'efm_queue_depth{direction="OUTGOING"}') ?? -1;
    const incoming = sample(before, 'efm_queue_depth{direction="INCOMING"}') ?? -1;
    await createMessage(t, arkivmeldingSbd());
    await insertIncoming(t);
    const after = await scrape();
    expect(sample(after, 'efm_queue_depth{direction="OUTGOING"}')).toBe(outgoing + 1);
    expect(sample(after, 'efm_queue_depth{direction="INCOMING"}')).toBe(incoming + 1);
  });
});
