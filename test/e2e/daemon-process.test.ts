import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock/index.js';
import { generateSelfSignedKeystore } from '../../src/crypto/index.js';
import { defaultDemoOrganisations, startFakeServiceRegistry, type FakeServiceRegistry } from '../../src/sandbox/index.js';
import { arkivmeldingSbd, arkivmeldingXml, messageIdOf } from '../support/sbd.js';

// The built daemon as a process (dist/main.js, as `npm test` builds it): killed hard between create and
// send it loses nothing; SIGTERM stops it cleanly; a bad config stops it with a message naming the key.
const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'dist/main.js');
const AUTH = `Basic ${Buffer.from('e2e:e2e-password').toString('base64')}`;

interface Proc {
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Proc {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, output, exited };
}

async function readyPort(p: Proc, timeoutMs = 20_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const line of p.output.join('').split('\n')) {
      const m = /"port":(\d+).*"msg":"daemon ready"/.exec(line);
      if (m) return Number(m[1]);
    }
    if (p.child.exitCode !== null) throw new Error(`daemon exited early:\n${p.output.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`daemon not ready:\n${p.output.join('')}`);
}

describe('the efm daemon process', () => {
  let dir: string;
  let registry: FakeServiceRegistry;
  let config: string;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does)`);
    dir = await mkdtemp(join(tmpdir(), 'efm-e2e-'));
    const issued = { clock: fixedClock('2019-03-25T11:38:23Z'), validDays: 3650, password: 'secret' };
    const own = await generateSelfSignedKeystore({ orgNumber: '910077473', out: join(dir, 'own.p12'), ...issued });
    const peer = await generateSelfSignedKeystore({ orgNumber: '910075918', ...issued });
    registry = await startFakeServiceRegistry({
      organisations: defaultDemoOrganisations({ '910077473': own.entry.certificate.toString(), '910075918': peer.entry.certificate.toString() }),
    });
    config = join(dir, 'integrasjonspunkt-local.properties');
    await writeFile(config, [
      'server.port=0', `efm.data-dir=${join(dir, 'data')}`, 'efm.clock.fixed=2019-03-25T11:38:23Z',
      'difi.move.org.number=910077473', `difi.move.org.keystore.path=${join(dir, 'own.p12')}`,
      'difi.move.org.keystore.password=secret', 'difi.move.org.keystore.alias=910077473',
      'spring.security.user.name=e2e', 'spring.security.user.password=e2e-password',
      `difi.move.serviceregistryEndpoint=${registry.url}`, 'difi.move.oidc.enable=false',
      'difi.move.feature.enableDPO=true', 'app.scheduling.enable=false',
    ].join('\n'));
  });

  afterAll(async () => {
    await registry.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a draft and its file across a SIGKILL, then sends it; SIGTERM exits cleanly', async () => {
    const first = run(['start', '--config', config]);
    let port = await readyPort(first);
    const api = (path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { authorization: AUTH, ...init.headers } });
    const sbd = arkivmeldingSbd({ business: { hoveddokument: 'vedtak.pdf' } });
    const id = messageIdOf(sbd);
    const created = await api('/api/messages/out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sbd) });
    expect(created.status, await created.text()).toBe(200);
    const xml = arkivmeldingXml('Vedtak', ['vedtak.pdf']);
    expect((await api(`/api/messages/out/${id}`, { method: 'PUT', headers: { 'content-type': 'application/xml', 'content-disposition': 'attachment; name="A"; filename="arkivmelding.xml"' }, body: xml })).status).toBe(200);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300_000, 3)]);
    expect((await api(`/api/messages/out/${id}`, { method: 'PUT', headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; name="Vedtak"; filename="vedtak.pdf"' }, body: pdf })).status).toBe(200);

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = run(['start', '--config', config]);
    port = await readyPort(second);
    const got = await api(`/api/messages/out/${id}`);
    expect(got.status).toBe(200);
    expect(((await got.json()) as { standardBusinessDocumentHeader: unknown }).standardBusinessDocumentHeader).toBeDefined();
    const sent = await api(`/api/messages/out/${id}`, { method: 'POST' });
    expect(sent.status, await sent.text()).toBe(200);
    const statuses = (await (await api(`/api/statuses?messageId=${id}`)).json()) as { content: { status: string }[] };
    expect(statuses.content.map((s) => s.status)).toEqual(['OPPRETTET']);

    second.child.kill('SIGTERM');
    const stopped = await second.exited;
    expect(stopped.code).toBe(0);
    expect(second.output.join('')).toContain('daemon stopped');
  });

  it('refuses to start on an invalid value, naming the key and the file', async () => {
    const bad = join(dir, 'bad.properties');
    await writeFile(bad, 'difi.move.org.number=12345\nspring.security.user.name=a\nspring.security.user.password=b\nefm.no-such-setting=1\n');
    const p = run(['start', '--config', bad]);
    const { code } = await p.exited;
    const out = p.output.join('');
    expect(code).toBe(2);
    expect(out).toContain('difi.move.org.number: must be exactly 9 digits');
    expect(out).toContain('efm.no-such-setting');
    expect(out).toContain(bad);
  });
});
