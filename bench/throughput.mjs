// POST → SENDT throughput of one daemon (issue 4 goal: ≥ 500 msg/s on two cores): 100 kB arkivmeldinger
// through the sandbox's Altinn broker. The sandbox network and the daemon run as processes of their own;
// this process is the load generator, with CONCURRENCY messages in flight, each created, given its
// arkivmelding.xml and a 100 kB PDF, and sent. It watches SENDT arrive (GET /api/statuses?status=SENDT)
// and prints msg/s and the latency from create to SENDT.
// Each arkivmelding.xml differs (its title names the message), as real ones do; `same` as the third
// argument sends one identical arkivmelding.xml instead, which the daemon's lenient XSD check caches.
// By default each message takes four API calls (create, two uploads, send); `multipart` as the fourth
// argument sends each in one POST /api/messages/out/multipart.
// BENCH_WARMUP (default 20) messages go through first, unmeasured.
// Usage: node bench/throughput.mjs [messages] [concurrency] [distinct|same] [steps|multipart]   (npm run bench: the defaults)
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, cpuSeconds, machine, memoryMb, startDaemon, startNetwork, submit, submitMultipart } from './support/sandbox.mjs';

const MESSAGES = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const SAME_ARKIVMELDING = process.argv[4] === 'same';
const MULTIPART = process.argv[5] === 'multipart';
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const DOCUMENT_BYTES = 100 * 1024;
const DEADLINE_MS = 15 * 60_000;

// Already-compressed content, as a real PDF's streams are: random bytes behind the PDF magic.
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(DOCUMENT_BYTES - 9)]);

/** Counts SENDT statuses (ascending id) and returns the newly seen ones. */
function sentWatcher(daemon) {
  let seen = 0;
  // Small pages: each look renders only the page it is on, so watching costs the daemon little.
  const PAGE = 100;
  return async () => {
    const fresh = [];
    for (;;) {
      const page = Math.floor(seen / PAGE);
      const res = await api(daemon, `/api/statuses?status=SENDT&size=${PAGE}&page=${page}&sort=id,asc`);
      const body = await res.json();
      const items = body.content.slice(seen % PAGE);
      fresh.push(...items);
      seen += items.length;
      if (body.content.length < PAGE) return fresh;
    }
  };
}

async function run(daemon, from, to, count, onSent) {
  const createdAt = new Map();
  const latencies = [];
  const watch = sentWatcher(daemon);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const messageId = randomUUID();
      createdAt.set(messageId, Date.now());
      await (MULTIPART ? submitMultipart : submit)(daemon, { messageId, from, to, document: pdf, title: SAME_ARKIVMELDING ? 'Vedtak' : `Vedtak ${messageId}` });
    }
  };
  const start = performance.now();
  const submitting = Promise.all(Array.from({ length: CONCURRENCY }, worker));
  let submittedAt;
  submitting.then(() => { submittedAt = performance.now(); });
  const deadline = Date.now() + DEADLINE_MS;
  while (done < count) {
    if (Date.now() > deadline) throw new Error(`only ${done} of ${count} SENDT before the deadline`);
    await new Promise((r) => setTimeout(r, 100));
    for (const status of await watch()) {
      const created = createdAt.get(status.messageId);
      if (created === undefined) continue;
      done++;
      latencies.push(Date.parse(status.lastUpdate) - created);
      onSent?.(done);
    }
  }
  await submitting;
  return { seconds: (performance.now() - start) / 1000, submitSeconds: ((submittedAt ?? performance.now()) - start) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

const percentile = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

const dir = mkdtempSync(join(tmpdir(), 'efm-bench-throughput-'));
let network;
let daemon;
try {
  network = await startNetwork(dir);
  const [from, to] = network.organisations;
  daemon = await startDaemon({ network, organisation: from, dir });
  const before = machine();
  await run(daemon, from.orgnr, to.orgnr, WARMUP);
  const [daemonCpu, networkCpu] = [cpuSeconds(daemon.pid), cpuSeconds(network.pid)];
  const result = await run(daemon, from.orgnr, to.orgnr, MESSAGES);
  const cpuMs = (pid, before) => ((cpuSeconds(pid) - before) * 1000) / MESSAGES;
  const memory = memoryMb(daemon.pid);
  const after = machine();
  const l = result.latencies;
  console.log(`throughput: ${MESSAGES} × 100 kB arkivmelding (${SAME_ARKIVMELDING ? 'one identical' : 'each its own'} arkivmelding.xml), ${CONCURRENCY} in flight, ${MULTIPART ? 'one multipart POST' : 'create + 2 uploads + send'} → SENDT`);
  console.log(`  ${(MESSAGES / result.seconds).toFixed(1)} msg/s (${result.seconds.toFixed(1)} s; all submitted after ${result.submitSeconds.toFixed(1)} s) — goal ≥ 500 msg/s`);
  console.log(`  latency create → SENDT: p50 ${percentile(l, 50)} ms, p90 ${percentile(l, 90)} ms, p99 ${percentile(l, 99)} ms, max ${l.at(-1)} ms`);
  console.log(`  CPU per message: daemon ${cpuMs(daemon.pid, daemonCpu).toFixed(1)} ms, sandbox network ${cpuMs(network.pid, networkCpu).toFixed(1)} ms`);
  console.log(`  daemon peak RSS ${memory.peak.toFixed(0)} MB; machine: ${before.cores} cores, load ${before.load1} before, ${after.load1} after`);
} finally {
  await daemon?.stop();
  await network?.stop();
  rmSync(dir, { recursive: true, force: true });
}
