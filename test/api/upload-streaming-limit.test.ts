import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arkivmeldingSbd, messageIdOf } from '../support/sbd.js';
import { PASSWORD, USER, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// Without Content-Length the size limit is only found while streaming: the daemon must still answer
// 400 with the reference's message instead of resetting the connection, and keep nothing.
function chunkedPut(url: string, chunks: Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({
      method: 'PUT', hostname: u.hostname, port: u.port, path: u.pathname,
      headers: {
        authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
        'content-type': 'application/pdf', 'content-disposition': 'attachment; name="Stor"; filename="stor.pdf"',
        'transfer-encoding': 'chunked',
      },
    }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    let i = 0;
    const next = () => {
      const chunk = chunks[i++];
      if (!chunk) {
        req.end();
        return;
      }
      if (req.write(chunk)) setImmediate(next);
      else req.once('drain', next);
    };
    next();
  });
}

describe('PUT /api/messages/out/{id} without Content-Length', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon({ config: { 'difi.move.dpo.upload-size-limit': '64KB' } }); });
  afterAll(async () => { await t.close(); });

  it('answers 400 MaxFileSizeExceeded when the stream passes the limit, and stores nothing', async () => {
    const sbd = arkivmeldingSbd();
    const id = messageIdOf(sbd);
    expect((await t.api('/api/messages/out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sbd) })).status).toBe(200);
    const chunks = [Buffer.from('%PDF-1.4\n'), ...Array.from({ length: 40 }, () => Buffer.alloc(8192, 1))];
    const res = await chunkedPut(`${t.daemon.url}/api/messages/out/${id}`, chunks);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body) as { message: string; exception: string };
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.MaxFileSizeExceededException');
    expect(body.message).toContain('exceeds the maximum allowed upload size for the target service (DPO');
    const small = await chunkedPut(`${t.daemon.url}/api/messages/out/${id}`, [Buffer.from('%PDF-1.4\nsmall')]);
    expect(small.status, small.body).toBe(200);
  });
});
