import { spawn, type ChildProcess } from 'node:child_process';
import { MAIN, ROOT } from './daemon-release.js';

// The `efm` command as an operator runs it: the checkout's dist/main.js in a process of its own
// (`efm start`, `efm supervise`). Its log (pino JSON lines; under supervise the daemon child's too,
// since the child inherits stdout) is kept and searchable, so a test can wait for what it reports.
export type LogLine = Record<string, unknown>;

export interface EfmProcess {
  child: ChildProcess;
  /** Every log line so far that parsed as JSON. */
  lines(): LogLine[];
  /** All output, for the message of a failing assertion. */
  output(): string;
  /** Resolves with the first log line `match` accepts, failing after `timeoutMs` or when the process exits. */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** SIGTERM, then SIGKILL (of a supervisor's daemon child too) when it has not exited in `graceMs`. */
  stop(graceMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const POLL_MS = 100;

export function startEfmProcess(args: readonly string[]): EfmProcess {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  const parsed: LogLine[] = [];
  // One reader per stream, so a line split across two chunks is put together again.
  const reader = () => {
    let rest = '';
    return (d: Buffer) => {
      const text = d.toString('utf8');
      chunks.push(text);
      const all = rest + text;
      const end = all.lastIndexOf('\n');
      rest = all.slice(end + 1);
      if (end >= 0) parsed.push(...all.slice(0, end).split('\n').flatMap(parseLine));
    };
  };
  child.stdout?.on('data', reader());
  child.stderr?.on('data', reader());
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const output = () => chunks.join('');
  const lines = () => parsed;
  return {
    child, lines, output,
    async waitForLine(match, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines().find(match);
        if (found) return found;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`efm ${args.join(' ')} exited:\n${output()}`);
        if (Date.now() > deadline) throw new Error(`no such log line in time:\n${output().slice(-20_000)}`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    async stop(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        for (const line of lines()) if (line.msg === 'daemon healthy' && typeof line.pid === 'number') killQuietly(line.pid);
        child.kill('SIGKILL');
      }, graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function parseLine(text: string): LogLine[] {
  if (!text.startsWith('{')) return [];
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? [value as LogLine] : [];
  } catch {
    return [];
  }
}

/** `efm start --config FILE`; resolves once the daemon reports ready, with its API's base URL. */
export async function startDaemonProcess(configFile: string, timeoutMs: number): Promise<EfmProcess & { url: string }> {
  const daemon = startEfmProcess(['start', '--config', configFile]);
  const ready = await daemon.waitForLine((line) => line.msg === 'daemon ready', timeoutMs);
  return { ...daemon, url: `http://127.0.0.1:${String(ready.port)}` };
}
