import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, CommandUsageError, runSendCommand, runStatusCommand } from '../../src/client/index.js';
import { PASSWORD, USER, startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

const EXAMPLES = resolve(import.meta.dirname, '../../docs/examples');

function captureIo(env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d: Buffer) => out.push(d.toString()));
  stderr.on('data', (d: Buffer) => err.push(d.toString()));
  return { io: { stdout, stderr, env }, out: () => out.join(''), err: () => err.join('') };
}

describe('efm send / efm status', () => {
  let t: TestDaemon;
  beforeAll(async () => { t = await startTestDaemon(); });
  afterAll(async () => { await t.close(); });

  it('creates the message from flags, streams its files, sends it and prints the timeline', async () => {
    const c = captureIo({ EFM_API_PASSWORD: PASSWORD });
    const code = await runSendCommand(['--api', `${t.daemon.url}/api`, '--user', USER, '--to', '910075918',
      `${EXAMPLES}/arkivmelding.xml`, `${EXAMPLES}/vedtak.pdf`], c.io);
    expect(code).toBe(0);
    const id = /messageId (\S+)/.exec(c.out())?.[1] ?? '';
    expect(c.out()).toContain('OPPRETTET');
    const message = await t.daemon.store.findMessage('OUTGOING', id);
    expect(message?.state).toBe('QUEUED');
    const files = await t.daemon.store.listFiles('OUTGOING', id);
    expect(files.map((f) => [f.filename, f.mimetype, f.primaryDocument])).toEqual([
      ['arkivmelding.xml', 'application/xml', false], ['vedtak.pdf', 'application/pdf', true],
    ]);
    const conversation = await t.daemon.store.findConversationByMessageId(id, 'OUTGOING');
    expect(conversation?.messageTitle).toBe('Vedtak i byggesak');

    const s = captureIo({ EFM_API_PASSWORD: PASSWORD });
    expect(await runStatusCommand(['--api', `${t.daemon.url}/api`, '--user', USER, id], s.io)).toBe(0);
    expect(s.out()).toMatch(/OPPRETTET/);
  });

  it('uses an SBD file when given one', async () => {
    const c = captureIo({ EFM_API_PASSWORD: PASSWORD });
    expect(await runSendCommand(['--api', `${t.daemon.url}/api`, '--user', USER, '--sbd', `${EXAMPLES}/sbd.json`,
      `${EXAMPLES}/arkivmelding.xml`, `${EXAMPLES}/vedtak.pdf`], c.io)).toBe(0);
  });

  it('reports the API refusal, and usage mistakes, as errors', async () => {
    const wrong = captureIo({ EFM_API_PASSWORD: 'wrong' });
    await expect(runSendCommand(['--api', `${t.daemon.url}/api`, '--user', USER, '--to', '910075918', `${EXAMPLES}/vedtak.pdf`], wrong.io))
      .rejects.toSatisfy((e: unknown) => e instanceof ApiError && e.status === 401);
    const noFiles = captureIo({});
    await expect(runSendCommand(['--to', '910075918'], noFiles.io)).rejects.toBeInstanceOf(CommandUsageError);
    const noPassword = captureIo({});
    await expect(runSendCommand(['--user', USER, '--to', '1', 'x'], noPassword.io)).rejects.toBeInstanceOf(CommandUsageError);
  });
});
