import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock/index.js';
import { startFakeCorrespondence, type FakeCorrespondence } from '../../../src/sandbox/correspondence/index.js';

// The sandbox's Altinn 3 correspondence API, spoken to with plain fetch and FormData: refusals first,
// then what an upload makes and how its overview moves on.

const clock = manualClock('2030-01-15T12:00:00Z');
let fake: FakeCorrespondence;

beforeAll(async () => {
  fake = await startFakeCorrespondence({ clock, authorize: (token) => Promise.resolve(token === 'good') });
});
afterAll(() => fake.close());
afterEach(() => fake.failures.clear());

function form(overrides: Record<string, string | undefined> = {}, files: { name?: string; filename: string; content: string }[] = []): FormData {
  const fields: Record<string, string | undefined> = {
    'correspondence.resourceId': 'eformidling-dpv-administrasjon',
    'correspondence.sendersReference': 'ref-1',
    'correspondence.content.language': 'nb',
    'correspondence.content.messageTitle': 'Tittel',
    'correspondence.content.messageSummary': 'Sammendrag',
    'correspondence.content.messageBody': 'Innhold',
    'correspondence.notification.notificationTemplate': 'CustomMessage',
    'recipients[0]': 'urn:altinn:organization:identifier-no:910075946',
    idempotentKey: randomUUID(),
    ...Object.fromEntries(files.map((f, i) => [`correspondence.content.attachments[${i}].fileName`, f.filename])),
    ...overrides,
  };
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) data.append(name, value);
  for (const f of files) data.append(f.name ?? 'attachments', new Blob([f.content], { type: 'application/octet-stream' }), f.filename);
  return data;
}

async function upload(body: FormData, token = 'good'): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${fake.url}/correspondence/upload`, { method: 'POST', body, headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function get(path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${fake.url}${path}`, { headers: { authorization: 'Bearer good' } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('fake correspondence upload refusals', () => {
  it('answers 401 to a token it does not accept', async () => {
    expect((await upload(form(), 'bad')).status).toBe(401);
  });

  it('answers 400 naming the required fields that are missing', async () => {
    const { status, json } = await upload(form({ 'correspondence.content.messageTitle': undefined, 'correspondence.resourceId': '' }));
    expect(status).toBe(400);
    expect(json.detail).toContain('correspondence.resourceId, correspondence.content.messageTitle');
  });

  it('answers 400 to an idempotentKey that is no GUID, and to an unknown language', async () => {
    expect((await upload(form({ idempotentKey: 'not-a-guid' }))).status).toBe(400);
    expect((await upload(form({ 'correspondence.content.language': 'sv' }))).status).toBe(400);
  });

  it('answers 400 when a described attachment has no file part, or a file part no description', async () => {
    expect((await upload(form({ 'correspondence.content.attachments[0].fileName': 'a.txt' }))).status).toBe(400);
    const undescribed = form();
    undescribed.append('attachments', new Blob(['x']), 'x.txt');
    expect((await upload(undescribed)).status).toBe(400);
  });

  it('answers 409 to a reused idempotentKey and makes nothing the second time', async () => {
    const key = randomUUID();
    expect((await upload(form({ idempotentKey: key }))).status).toBe(200);
    const count = fake.correspondences.length;
    expect((await upload(form({ idempotentKey: key }))).status).toBe(409);
    expect(fake.correspondences.length).toBe(count);
  });

  it('fails on demand without making anything', async () => {
    const count = fake.correspondences.length;
    fake.failures.failNext(1, { status: 503, path: /upload$/ });
    expect((await upload(form())).status).toBe(503);
    expect(fake.correspondences.length).toBe(count);
  });
});

describe('fake correspondence', () => {
  it('makes a correspondence per recipient with its attachments, and answers with their ids', async () => {
    const { status, json } = await upload(form(
      { 'recipients[1]': 'urn:altinn:person:identifier-no:17912099997', 'correspondence.sendersReference': 'ref-two' },
      [{ filename: 'a.txt', content: 'Testing 1 2 3' }],
    ));

    expect(status).toBe(200);
    const made = fake.correspondences.filter((c) => c.sendersReference === 'ref-two');
    expect(made.map((c) => [c.recipient, c.status, c.attachments.map((a) => a.content.toString())])).toEqual([
      ['urn:altinn:organization:identifier-no:910075946', 'Initialized', ['Testing 1 2 3']],
      ['urn:altinn:person:identifier-no:17912099997', 'Initialized', ['Testing 1 2 3']],
    ]);
    expect(json).toEqual({
      correspondences: made.map((c) => ({ correspondenceId: c.correspondenceId, status: 'Initialized', recipient: c.recipient, notifications: null })),
      attachmentIds: made[0]?.attachments.map((a) => a.attachmentId),
    });
  });

  it('finds correspondences by sendersReference', async () => {
    await upload(form({ 'correspondence.sendersReference': 'ref-search' }));
    const ids = fake.correspondences.filter((c) => c.sendersReference === 'ref-search').map((c) => c.correspondenceId);

    expect((await get('/correspondence?sendersReference=ref-search')).json).toEqual({ ids });
    expect((await get('/correspondence?sendersReference=nothing')).json).toEqual({ ids: [] });
  });

  it('shows the published and read times in the overview once the correspondence got there', async () => {
    await upload(form({ 'correspondence.sendersReference': 'ref-overview' }));
    const id = fake.correspondences.at(-1)?.correspondenceId ?? '';
    expect((await get(`/correspondence/${id}`)).json).toMatchObject({ correspondenceId: id, status: 'Initialized', published: null, read: null });

    clock.advance(60_000);
    fake.setStatus(id, 'Read');

    expect((await get(`/correspondence/${id}`)).json).toMatchObject({
      status: 'Read', published: '2030-01-15T12:01:00.000Z', read: '2030-01-15T12:01:00.000Z', statusChanged: '2030-01-15T12:01:00.000Z',
    });
  });

  it('answers 404 for a correspondence it does not know', async () => {
    expect((await get(`/correspondence/${randomUUID()}`)).status).toBe(404);
  });

  it('carries out an upload whose answer it was told to drop', async () => {
    const key = randomUUID();
    fake.dropNextAnswers(1);
    await expect(upload(form({ idempotentKey: key }))).rejects.toThrow();
    expect(fake.correspondences.filter((c) => c.idempotentKey === key)).toHaveLength(1);
  });
});

describe('fake correspondence moving on by itself', () => {
  it('moves a correspondence from Initialized to Published to Read, one step per overview', async () => {
    const moving = await startFakeCorrespondence({ advanceOnOverview: true });
    try {
      const body = form();
      await fetch(`${moving.url}/correspondence/upload`, { method: 'POST', body, headers: { authorization: 'Bearer any' } });
      const id = moving.correspondences[0]?.correspondenceId ?? '';
      const statuses: unknown[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${moving.url}/correspondence/${id}`, { headers: { authorization: 'Bearer any' } });
        statuses.push(((await response.json()) as { status: unknown }).status);
      }
      expect(statuses).toEqual(['Published', 'Read', 'Read']);
    } finally {
      await moving.close();
    }
  });
});
