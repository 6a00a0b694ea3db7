// A 1 GiB attachment end to end (issue 4 goal: peak RSS of a daemon ≤ 150 MB): the sandbox network and
// two daemons run as processes of their own; one case system uploads an arkivmelding with the big
// document to the sending daemon, the other pops it (streamed, bytes counted) from the receiving daemon
// and deletes it. Prints the time of each leg and each daemon's peak resident set (VmHWM) afterwards.
// Usage: node bench/big-file.mjs [MiB]   (npm run bench runs it with 1024)
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, arkivmeldingSbd, arkivmeldingXml, expectOk, machine, memoryMb, startDaemon, startNetwork } from './support/sandbox.mjs';

const MIB = 1024 * 1024;
const SIZE_MIB = Number(process.argv[2] ?? 1024);
const DEADLINE_MS = 30 * 60_000;
const SETTINGS = {
  'efm.dpo.upload-size-limit': '2GB',
  // Polls every two seconds, so the legs are timed by the work, not by the reference's 15 s schedule.
  'efm.queue.poll-schedule': '*/2 * * * * *',
  'efm.log.level': 'warn',
};

/** SIZE_MIB of bytes that do not compress (a random MiB, repeated), with their SHA-256. */
function documentStream() {
  const block = randomBytes(MIB);
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new ReadableStream({
    pull(controller) {
      if (sent === SIZE_MIB) {
        controller.close();
        return;
      }
      sent++;
      hash.update(block);
      controller.enqueue(new Uint8Array(block));
    },
  }, { highWaterMark: 4 });
  return { stream, digest: () => hash.digest('hex') };
}

/** Samples the resident set of some processes every 100 ms; `mark(phase)` starts a new phase. */
function rssSampler(processes) {
  const phases = [];
  let current;
  const sample = () => {
    if (current === undefined) return;
    for (const [name, pid] of Object.entries(processes)) current.peak[name] = Math.max(current.peak[name] ?? 0, memoryMb(pid).current);
  };
  const timer = setInterval(sample, 100);
  return {
    mark(phase) {
      sample();
      current = { phase, peak: {} };
      phases.push(current);
    },
    stop() {
      sample();
      clearInterval(timer);
      return phases;
    },
  };
}

async function until(what, check) {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${DEADLINE_MS / 60_000} min`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function hasStatus(daemon, messageId, status) {
  const res = await api(daemon, `/api/statuses/${messageId}?size=50`);
  const body = await res.json();
  return body.content.some((s) => s.status === status) ? true : undefined;
}

const dir = mkdtempSync(join(tmpdir(), 'efm-bench-big-'));
const started = [];
try {
  const network = await startNetwork(dir);
  started.push(network);
  const [from, to] = network.organisations;
  const sender = await startDaemon({ network, organisation: from, dir, settings: SETTINGS });
  started.push(sender);
  const receiver = await startDaemon({ network, organisation: to, dir, settings: SETTINGS });
  started.push(receiver);
  const before = machine();
  const sampler = rssSampler({ sender: sender.pid, receiver: receiver.pid });
  const messageId = randomUUID();
  sampler.mark('upload');
  const t0 = performance.now();
  await expectOk(await api(sender, '/api/messages/out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(arkivmeldingSbd({ messageId, from: from.orgnr, to: to.orgnr })) }), 'create');
  await expectOk(await api(sender, `/api/messages/out/${messageId}`, {
    method: 'PUT', body: arkivmeldingXml('stort.bin'),
    headers: { 'content-type': 'application/xml', 'content-disposition': 'attachment; name="Arkivmelding"; filename="arkivmelding.xml"' },
  }), 'upload arkivmelding.xml');
  const document = documentStream();
  await expectOk(await api(sender, `/api/messages/out/${messageId}`, {
    method: 'PUT', body: document.stream,
    headers: { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; name="Stort"; filename="stort.bin"' },
  }), 'upload stort.bin');
  const uploaded = performance.now();
  sampler.mark('send');
  await expectOk(await api(sender, `/api/messages/out/${messageId}`, { method: 'POST' }), 'send');
  await until('SENDT', () => hasStatus(sender, messageId, 'SENDT'));
  const sent = performance.now();
  sampler.mark('receive');
  await until('received', async () => {
    const res = await api(receiver, `/api/messages/in/peek?messageId=${messageId}`);
    if (res.status === 200) return res.json();
    await res.body?.cancel();
    return undefined;
  });
  const received = performance.now();
  sampler.mark('pop');
  const popped = await api(receiver, `/api/messages/in/pop/${messageId}`);
  if (popped.status !== 200) throw new Error(`pop answered ${popped.status}`);
  let asicBytes = 0;
  for await (const chunk of popped.body) asicBytes += chunk.length;
  await expectOk(await api(receiver, `/api/messages/in/${messageId}`, { method: 'DELETE' }), 'delete');
  const done = performance.now();
  sampler.mark('LEVERT');
  await until('LEVERT', () => hasStatus(sender, messageId, 'LEVERT'));
  const levert = performance.now();
  const phases = sampler.stop();
  const [senderMemory, receiverMemory, networkMemory] = [memoryMb(sender.pid), memoryMb(receiver.pid), memoryMb(network.pid)];
  const after = machine();
  const seconds = (a, b) => ((b - a) / 1000).toFixed(1);
  console.log(`big file: ${SIZE_MIB} MiB attachment (sha256 ${document.digest().slice(0, 16)}…), arkivmelding over DPO through the sandbox`);
  console.log(`  upload to the sender ${seconds(t0, uploaded)} s (${(SIZE_MIB / ((uploaded - t0) / 1000)).toFixed(0)} MiB/s), send → SENDT ${seconds(uploaded, sent)} s, `
    + `SENDT → at the receiver ${seconds(sent, received)} s, pop (${(asicBytes / MIB).toFixed(0)} MiB ASiC-E) + delete ${seconds(received, done)} s, LEVERT back ${seconds(done, levert)} s`);
  console.log(`  peak RSS: sending daemon ${senderMemory.peak.toFixed(0)} MB, receiving daemon ${receiverMemory.peak.toFixed(0)} MB (goal ≤ 150 MB); sandbox network ${networkMemory.peak.toFixed(0)} MB`);
  console.log(`  resident set sampled every 100 ms, highest per leg: ${phases.map((p) => `${p.phase} ${(p.peak.sender ?? 0).toFixed(0)}/${(p.peak.receiver ?? 0).toFixed(0)} MB`).join(', ')} (sender/receiver)`);
  console.log(`  daemons run with MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '2 (as shipped)'}`);
  console.log(`  machine: ${before.cores} cores, load ${before.load1} before, ${after.load1} after`);
} finally {
  for (const process of started.reverse()) await process.stop();
  rmSync(dir, { recursive: true, force: true });
}
