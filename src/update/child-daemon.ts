import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

// The daemon as a child process. Stopping it is SIGTERM first: the daemon stops taking requests and
// finishes in-flight work on SIGTERM, which is how a switch drains it (the reference asks over
// POST /manage/shutdown instead, ops notes §1.4 step 6). Only a child that outlives the drain timeout is
// killed.
export interface ChildSpec {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Where the child's stdout and stderr go: the supervisor's own, nowhere, or a stream (kept open). */
  output: 'inherit' | 'ignore' | Writable;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  error?: Error;
}

export class ChildDaemon {
  readonly exited: Promise<ChildExit>;
  private exit: ChildExit | undefined;

  private constructor(private readonly process: ChildProcess) {
    this.exited = new Promise((resolve) => {
      process.once('error', (error) => {
        this.exit ??= { code: null, signal: null, error };
        resolve(this.exit);
      });
      process.once('exit', (code, signal) => {
        this.exit ??= { code, signal };
        resolve(this.exit);
      });
    });
  }

  static spawn(spec: ChildSpec): ChildDaemon {
    const stdio = typeof spec.output === 'string' ? spec.output : 'pipe';
    const child = spawn(spec.command, [...spec.args], { cwd: spec.cwd, env: { ...spec.env }, stdio: ['ignore', stdio, stdio] });
    if (typeof spec.output !== 'string') {
      child.stdout?.pipe(spec.output, { end: false });
      child.stderr?.pipe(spec.output, { end: false });
    }
    return new ChildDaemon(child);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** SIGTERM, then SIGKILL once `drainTimeoutMs` has passed without an exit. */
  async stop(drainTimeoutMs: number): Promise<ChildExit> {
    if (this.exit) return this.exit;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), drainTimeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
