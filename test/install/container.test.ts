import { createHash, randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { systemClock } from '../../src/clock/index.js';
import { extractAsic } from '../../src/crypto/index.js';
import { randomId } from '../../src/ids/index.js';
import { startSandboxNetwork, type SandboxNetwork, type SandboxOrganisation } from '../../src/sandbox/index.js';
import { pdfBytes } from '../support/http.js';
import { untilDeadline } from './support/deadline.js';
import { ensureBaseImage, missingPrerequisite, Podman, ROOT } from './support/podman.js';
import {
  API_PASSWORD, API_USER, CaseSystem, sandboxSettings, startReceivingDaemon, type Received, type ReceivingDaemon,
} from './support/sandbox.js';

// The container image as the README describes it, built with podman from the Dockerfile on an offline
// base image (test/install/support/podman.ts) and run with a data volume, its config mounted read-only
// and its secret and port in EFM_* variables. The sandbox network runs on the host and the container
// shares the host's network, so the daemon inside sends to the sandbox's Altinn broker on 127.0.0.1.
//
// It proves: health answers, as a non-root user whose files are the only ones in the volume, and the
// image's HEALTHCHECK passes; a message is accepted and handed to the broker; SIGTERM while an upload is
// in flight stops new connections but finishes that upload, the daemon exits 0, and after a restart on
// the same volume the sent message's statuses are as they were and the draft is sent with the whole
// uploaded file: a receiving daemon (in this process) takes both messages off the broker, the draft's
// ASiC-E verifies and carries every byte of the upload.
//
// Without podman or root it is skipped, except in CI (CI=true), where .ci/run installs what it needs.

const BUILD_TIMEOUT_MS = 40 * 60_000;
const STEP_TIMEOUT_MS = 5 * 60_000;
const HEALTH_DEADLINE_MS = 120_000;
const SENT_DEADLINE_MS = 120_000;
const IN_FLIGHT_BYTES = 8 * 1024 * 1024;
const AUTH = `Basic ${Buffer.from(`${API_USER}:${API_PASSWORD}`).toString('base64')}`;

const missing = missingPrerequisite();
const inCi = process.env.CI === 'true';

let dir: string;
let podman: Podman;
let network: SandboxNetwork;
let sender: SandboxOrganisation;
let receiver: SandboxOrganisation;
let image: string;
let port: number;
let caseSystem: CaseSystem;
let receiving: ReceivingDaemon;
let receivingCase: CaseSystem;
const name = `efm-test-${randomId().slice(0, 12).toLowerCase()}`;
const volume = `${name}-data`;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** True when nothing accepts a new connection on the daemon's port. */
function refusesConnections(): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); done(false); });
    socket.once('error', () => done(true));
  });
}

async function containerState(): Promise<string> {
  return (await podman.ok(['inspect', '--format', '{{.State.Status}}', name])).trim();
}

async function waitForHealth(): Promise<void> {
  try {
    await untilDeadline(HEALTH_DEADLINE_MS, async () => {
      if ((await containerState()) === 'exited') throw new Error('the container exited');
      return fetch(`http://127.0.0.1:${port}/manage/health`, { headers: { connection: 'close' } }).then((r) => r.ok, () => false);
    });
  } catch (error) {
    const logs = await podman.run(['logs', name]);
    throw new Error(`${(error as Error).message}\n--- container log ---\n${logs.stdout}${logs.stderr}`, { cause: error });
  }
}

async function waitForSent(messageId: string): Promise<void> {
  await untilDeadline(SENT_DEADLINE_MS, async () => (await caseSystem.statuses(messageId)).includes('SENDT'),
    () => `${messageId} never reached SENDT`);
}

interface Upload {
  /** Resolves when the daemon has answered 100 Continue: the request is in its hands. */
  accepted: Promise<void>;
  /** Sends the body and resolves with the daemon's answer. */
  finish(): Promise<{ status: number; body: string }>;
}

/** A PUT of a PDF that sends its headers now (Expect: 100-continue) and its body when told to. */
function startUpload(messageId: string, body: Buffer): Upload {
  const req = request({
    host: '127.0.0.1', port, method: 'PUT', path: `/api/messages/out/${messageId}`,
    headers: {
      authorization: AUTH, 'content-type': 'application/pdf', 'content-length': body.length, expect: '100-continue',
      'content-disposition': 'attachment; name="Vedtak"; filename="vedtak.pdf"',
    },
  });
  const answered = new Promise<{ status: number; body: string }>((done, fail) => {
    req.once('error', fail);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.once('error', fail);
    });
  });
  const accepted = new Promise<void>((done, fail) => {
    req.once('continue', () => done());
    req.once('error', fail);
  });
  req.flushHeaders();
  return {
    accepted,
    finish: async () => {
      const chunk = 64 * 1024;
      for (let offset = 0; offset < body.length; offset += chunk) {
        if (!req.write(body.subarray(offset, offset + chunk))) await new Promise((r) => req.once('drain', r));
      }
      req.end();
      return answered;
    },
  };
}

describe.skipIf(missing !== undefined && !inCi)('the container image, built with podman and run', () => {
  beforeAll(async () => {
    if (missing !== undefined) throw new Error(`the container test cannot run: ${missing}`);
    dir = await mkdtemp(join(tmpdir(), 'efm-container-'));
    podman = await Podman.create(dir);

    let started = Date.now();
    const base = await ensureBaseImage(podman);
    const baseSeconds = Math.round((Date.now() - started) / 1000);
    started = Date.now();
    image = `localhost/${name}:test`;
    await podman.ok(['build', '--format', 'docker', '--network', 'host', '--build-arg', `BASE_IMAGE=${base.tag}`,
      '-t', image, '-f', join(ROOT, 'Dockerfile'), ROOT]);
    console.info(`container test: base image ${base.tag} ${base.made ? 'made' : 'reused'} in ${baseSeconds} s; image built in ${Math.round((Date.now() - started) / 1000)} s`);

    network = await startSandboxNetwork({ dataDir: join(dir, 'sandbox'), clock: systemClock, host: '127.0.0.1' });
    const [first, second] = network.organisations;
    if (!first || !second) throw new Error('the sandbox has fewer than two demo organisations');
    [sender, receiver] = [first, second];

    // The config directory is mounted read-only at /etc/efm; the daemon's user must be able to read it.
    const etc = join(dir, 'etc');
    await mkdir(etc, { mode: 0o755 });
    await chmod(etc, 0o755);
    await copyFile(sender.keystorePath, join(etc, 'keystore.p12'));
    await chmod(join(etc, 'keystore.p12'), 0o644);
    // The API password goes in as EFM_API_AUTH_PASSWORD and the port as EFM_SERVER_PORT, not in the file.
    const settings = sandboxSettings(network, { ...sender, keystorePath: '/etc/efm/keystore.p12' }, '/var/lib/efm');
    delete settings['efm.api.auth.password'];
    await writeFile(join(etc, 'efm.yml'), stringify(settings), { mode: 0o644 });

    receiving = await startReceivingDaemon(network, receiver, join(dir, 'receiver'));
    receivingCase = new CaseSystem(() => receiving.url);

    port = await freePort();
    caseSystem = new CaseSystem(() => `http://127.0.0.1:${port}`);
    await podman.ok(['volume', 'create', volume]);
    await podman.ok(['run', '--detach', '--name', name, '--network', 'host', '--stop-timeout', '60',
      '--volume', `${volume}:/var/lib/efm`, '--volume', `${etc}:/etc/efm:ro`,
      '--env', `EFM_SERVER_PORT=${port}`, '--env', `EFM_API_AUTH_PASSWORD=${API_PASSWORD}`,
      image, 'start', '--config', '/etc/efm/efm.yml']);
    await waitForHealth();
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    if (podman) {
      await podman.run(['rm', '--force', '--time', '0', name]);
      await podman.run(['volume', 'rm', '--force', volume]);
      if (image) await podman.run(['rmi', '--force', image]);
    }
    await receiving?.close();
    await network?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, STEP_TIMEOUT_MS);

  it('answers health as a non-root user that owns everything in the volume, and its HEALTHCHECK passes', async () => {
    const health = await fetch(`http://127.0.0.1:${port}/manage/health`, { headers: { connection: 'close' } });
    expect(health.status).toBe(200);
    expect((await health.json() as { status: string }).status).toBe('UP');

    expect((await podman.ok(['inspect', '--format', '{{.Config.User}}', image])).trim()).toBe('efm');
    expect((await podman.ok(['exec', name, 'id', '-u'])).trim()).not.toBe('0');
    expect((await podman.ok(['exec', name, 'stat', '-c', '%U %a', '/var/lib/efm'])).trim()).toBe('efm 750');
    expect((await podman.ok(['exec', name, 'find', '/var/lib/efm', '-mindepth', '1'])).trim()).not.toBe('');
    expect((await podman.ok(['exec', name, 'find', '/var/lib/efm', '!', '-user', 'efm'])).trim()).toBe('');

    const check = await podman.run(['healthcheck', 'run', name]);
    expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
  }, STEP_TIMEOUT_MS);

  it('accepts a message and hands it to the Altinn broker', async () => {
    const messageId = await caseSystem.submit(sender.orgnr, receiver.orgnr, pdfBytes(20_000));
    await waitForSent(messageId);
  }, STEP_TIMEOUT_MS);

  it('on SIGTERM finishes the upload in flight, exits 0, and after a restart on the same volume has lost nothing', async () => {
    const sent = await caseSystem.submit(sender.orgnr, receiver.orgnr, pdfBytes(30_000));
    await waitForSent(sent);
    const sentStatuses = await caseSystem.statuses(sent);
    const draft = await caseSystem.createDraft(sender.orgnr, receiver.orgnr);

    // Random bytes: a document that compresses well would trip the ASiC reader's zip-bomb guard.
    const document = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(IN_FLIGHT_BYTES)]);
    const upload = startUpload(draft, document);
    await upload.accepted;
    await podman.ok(['kill', '--signal', 'TERM', name]);
    // The daemon has begun to stop: it takes no new connection, yet the upload it holds goes on.
    await untilDeadline(30_000, refusesConnections, () => 'the daemon still accepts connections after SIGTERM');
    const answer = await upload.finish();
    expect(answer.status, answer.body).toBe(200);

    expect((await podman.ok(['wait', name])).trim()).toBe('0');
    const log = await podman.run(['logs', name]);
    expect(log.stdout + log.stderr).toContain('daemon stopped');

    await podman.ok(['start', name]);
    await waitForHealth();
    expect(await caseSystem.statuses(sent)).toEqual(sentStatuses);
    await caseSystem.send(draft);
    await waitForSent(draft);

    const received = new Map<string, Received>();
    await untilDeadline(SENT_DEADLINE_MS, async () => {
      await receivingCase.runJob('dpo-poll');
      for (const r of await receivingCase.receiveAll()) received.set(r.messageId, r);
      return received.has(sent) && received.has(draft);
    }, () => `the receiver has ${[...received.keys()].join(', ') || 'nothing'}; its log: ${receiving.logLines.join('\n')}`);
    const popped = received.get(draft);
    if (popped === undefined) throw new Error('the draft was not received');
    const asicPath = join(dir, 'draft.asice');
    await writeFile(asicPath, popped.asic);
    const documents = join(dir, 'draft-documents');
    await mkdir(documents);
    const asic = await extractAsic(asicPath, documents);
    expect(asic.documents.map((d) => [d.name, d.size])).toEqual(expect.arrayContaining([['vedtak.pdf', document.length]]));
    expect(sha256(await readFile(join(documents, 'vedtak.pdf')))).toBe(sha256(document));
  }, STEP_TIMEOUT_MS);
});
