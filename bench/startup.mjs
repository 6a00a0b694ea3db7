// Cold start to ready and idle memory of the daemon (issue 2 goal: ≤ 1 s, ≤ 80 MB).
// Starts `node dist/main.js start` with a fresh data dir, times until GET /manage/health answers 200,
// then reads the process's resident set size after it has been idle for a while.
// Usage: npm run bench   (or: node bench/startup.mjs [runs])
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.argv[2] ?? 5);
const IDLE_MS = 3000;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function waitHealthy(port, deadline) {
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/manage/health`);
      if (r.status === 200) return;
    } catch { /* not listening yet */ }
    if (performance.now() > deadline) throw new Error('daemon did not become healthy');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function once(dir, label) {
  const port = await freePort();
  const config = join(dir, 'bench.properties');
  writeFileSync(config, [
    `server.port=${port}`, `efm.data-dir=${join(dir, 'data')}`, 'difi.move.org.number=910077473',
    'spring.security.user.name=bench', 'spring.security.user.password=bench-password', 'difi.move.feature.enableDPO=true',
    'difi.move.oidc.enable=false', 'efm.log.level=warn', 'app.scheduling.enable=false',
  ].join('\n'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []), 'dist/main.js', 'start', '--config', config], {
    // Two malloc arenas, as the container, the systemd unit and `efm supervise` run the daemon.
    stdio: ['ignore', 'ignore', 'inherit'], env: { MALLOC_ARENA_MAX: '2', ...process.env },
  });
  await waitHealthy(port, t0 + 30_000);
  const readyMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const rss = rssMb(child.pid);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { label, readyMs, rss };
}

const dir = mkdtempSync(join(tmpdir(), 'efm-bench-'));
try {
  const results = [];
  // The first start also generates the self-signed keystore and creates the database.
  results.push(await once(dir, 'first start (new data dir)'));
  for (let i = 0; i < RUNS; i++) results.push(await once(dir, 'restart'));
  for (const r of results) console.log(`${r.label.padEnd(28)} ready in ${r.readyMs.toFixed(0).padStart(5)} ms   idle RSS ${r.rss.toFixed(1)} MB`);
  const restarts = results.slice(1).map((r) => r.readyMs).sort((a, b) => a - b);
  const rss = results.slice(1).map((r) => r.rss).sort((a, b) => a - b);
  const median = (xs) => xs[Math.floor(xs.length / 2)];
  console.log(`daemon run with MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '2 (as shipped)'}`);
  console.log(`median restart: ready ${median(restarts).toFixed(0)} ms, idle RSS ${median(rss).toFixed(1)} MB (goal ≤ 1000 ms, ≤ 80 MB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
