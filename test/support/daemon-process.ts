import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { settingsYaml } from './sandbox-daemons.js';

// The built daemon (dist/main.js, as `npm test` builds it) as a child process on a fixed port, started
// with `start --config <file>`: a test can kill it hard and start it again on the same data directory,
// and its case system finds it where it was.
export const ROOT = resolve(import.meta.dirname, '../..');
export const MAIN = join(ROOT, 'dist/main.js');

/** How many lines of the daemon's output are kept for a failing test to show. */
const KEPT_LINES = 200;
const READY_TIMEOUT_MS = 30_000;

export interface DaemonProcess {
  url: string;
  /** The last lines the daemon wrote (all its lives). */
  output(): string;
  isRunning(): boolean;
  /** Starts the daemon and resolves when its API answers. */
  start(): Promise<void>;
  /** SIGKILL, and resolves when it has exited. */
  kill(): Promise<void>;
  /** SIGTERM, and resolves when it has exited. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => res(port));
    });
  });
}

/** Writes the settings as `<dir>/daemon.yml` (with a fixed port) and prepares the process. */
export async function daemonProcess(dir: string, settings: Record<string, string | number | boolean>): Promise<DaemonProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does)`);
  const port = await freePort();
  const config = join(dir, 'daemon.yml');
  await writeFile(config, settingsYaml({ ...settings, 'efm.server.port': port }));
  const url = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  };
  const isRunning = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (isRunning()) child?.kill(signal);
    await exited;
  };

  return {
    url,
    output: () => lines.join('\n'),
    isRunning,
    async start() {
      if (isRunning()) throw new Error('the daemon is already running');
      const started = spawn(process.execPath, [MAIN, 'start', '--config', config], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: withoutEfmVariables() });
      child = started;
      started.stdout?.on('data', keep);
      started.stderr?.on('data', keep);
      exited = new Promise((res) => started.once('exit', () => res()));
      const deadline = Date.now() + READY_TIMEOUT_MS;
      for (;;) {
        if (!isRunning()) throw new Error(`the daemon exited while starting:\n${lines.join('\n')}`);
        const answered = await fetch(`${url}/manage/health`).then((r) => r.status, () => 0);
        if (answered > 0) return;
        if (Date.now() > deadline) throw new Error(`the daemon did not answer within ${READY_TIMEOUT_MS} ms:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}

/** The test's own EFM_* variables must not reach the daemon: its config file says everything. */
function withoutEfmVariables(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('EFM_')));
}
