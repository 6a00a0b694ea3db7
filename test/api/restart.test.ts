import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { arkivmeldingSbd, arkivmeldingXml, messageIdOf } from '../support/sbd.js';
import { startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

describe('a message across a daemon restart', () => {
  let t: TestDaemon;
  beforeEach(async () => { t = await startTestDaemon(); });
  afterEach(async () => { await t.close(); });

  it('keeps a created draft, its files and statuses intact, and sends it after the restart', async () => {
    const sbd = arkivmeldingSbd();
    const id = messageIdOf(sbd);
    const created = await t.api('/api/messages/out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sbd) });
    expect(created.status).toBe(200);
    const xml = arkivmeldingXml('Vedtak om byggesak', ['vedtak.pdf']);
    const up1 = await t.api(`/api/messages/out/${id}`, { method: 'PUT', headers: { 'content-type': 'application/xml', 'content-disposition': 'attachment; name="Arkivmelding"; filename="arkivmelding.xml"' }, body: xml });
    expect(up1.status).toBe(200);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(100_000, 7)]);
    const up2 = await t.api(`/api/messages/out/${id}`, { method: 'PUT', headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; name="Vedtak"; filename="vedtak.pdf"' }, body: pdf });
    expect(up2.status).toBe(200);

    await t.restart();

    const again = await t.api(`/api/messages/out/${id}`);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(await created.json());
    const conv = await (await t.api(`/api/conversations/messageId/${id}`)).json() as Record<string, unknown>;
    expect(conv.messageTitle).toBe('Vedtak om byggesak');
    expect(conv.messageReference).toBe('sak-42-7');
    const sent = await t.api(`/api/messages/out/${id}`, { method: 'POST' });
    expect(sent.status, await sent.text()).toBe(200);
    const statuses = await (await t.api(`/api/statuses/${id}`)).json() as { content: { status: string }[] };
    expect(statuses.content.map((s) => s.status)).toEqual(['OPPRETTET']);
  });
});
