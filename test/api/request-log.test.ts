import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, USER, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// No fødselsnummer and no secret in any log line (issue 2, "Management and logs").
const FNR = '09118532322';

describe('request logs', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  afterAll(async () => { await t.close(); });

  it('never write a fødselsnummer in clear, though requests carry one in path and query', async () => {
    expect((await t.api(`/api/capabilities/${FNR}`)).status).toBe(404);
    expect((await t.api(`/api/conversations?receiverIdentifier=${FNR}`)).status).toBe(200);
    expect((await t.api(`/api/messages/in?senderIdentifier=${FNR}&serviceIdentifier=${FNR}`)).status).toBe(400);
    // The requests were logged (so the check below looks at real lines), with the number hashed.
    expect(t.logLines.filter((l) => l.includes('/api/capabilities/fnr-sha256:')).length).toBeGreaterThan(0);
    expect(t.logLines.filter((l) => l.includes(FNR))).toEqual([]);
  });

  it('never write the API password or the Authorization header', async () => {
    const wrong = `Basic ${Buffer.from(`${USER}:not-the-${PASSWORD}`).toString('base64')}`;
    expect((await t.api('/api/statuses')).status).toBe(200);
    expect((await t.api('/api/statuses', { auth: false, headers: { authorization: wrong } })).status).toBe(401);
    expect((await t.api('/manage/info')).status).toBe(200);
    const encoded = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    expect(t.logLines.filter((l) => l.includes(PASSWORD) || l.includes(encoded) || l.toLowerCase().includes('authorization'))).toEqual([]);
  });
});
