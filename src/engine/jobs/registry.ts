import { setMaxListeners } from 'node:events';
import { Cron } from 'croner';
import type { Logger } from '../../logging/index.js';

// Named jobs: each runs on its schedule (croner) when scheduling is enabled, and on demand through
// POST /manage/jobs/{name}/run (CONTRACT.md §5), which runs it to completion. A job never runs twice at
// once: an on-demand run waits for a scheduled one in progress and then runs again, so the caller sees
// the effect of everything that happened before its request.
export interface Job {
  name: string;
  /** Cron pattern with seconds (6 fields), in Europe/Oslo; undefined = on demand only. */
  schedule?: string;
  run(signal: AbortSignal): Promise<void>;
}

export class JobSetupError extends Error {}

export class JobRegistry {
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly crons: Cron[] = [];
  private readonly abort = new AbortController();

  constructor(private readonly log: Logger) {
    // A poll's concurrent downloads all listen on the one signal: many listeners are expected here.
    setMaxListeners(0, this.abort.signal);
  }

  register(job: Job): void {
    if (!/^[a-z][a-z0-9-]*$/.test(job.name)) throw new JobSetupError(`job name '${job.name}' must be kebab-case`);
    if (this.jobs.has(job.name)) throw new JobSetupError(`job '${job.name}' is registered twice`);
    if (job.schedule !== undefined) {
      // Validate the pattern at start-up rather than when it first fires.
      new Cron(job.schedule, { paused: true }).stop();
    }
    this.jobs.set(job.name, job);
  }

  names(): string[] {
    return [...this.jobs.keys()].sort();
  }

  has(name: string): boolean {
    return this.jobs.has(name);
  }

  /** Starts the schedules; called only when scheduling is enabled. */
  startSchedules(): void {
    for (const job of this.jobs.values()) {
      if (job.schedule === undefined) continue;
      // In the process's local time, which the efm entry point sets to Europe/Oslo (main.ts): croner's
      // own timezone option would load ICU's locale data, ~8 MB of an idle daemon's memory.
      this.crons.push(new Cron(job.schedule, { protect: true }, () => {
        this.run(job.name).catch((err: unknown) => this.log.warn({ err, job: job.name }, 'scheduled job failed'));
      }));
    }
  }

  /** Runs the job to completion; resolves false when no job has that name. */
  async run(name: string): Promise<boolean> {
    const job = this.jobs.get(name);
    if (!job) return false;
    const previous = this.running.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(async () => {
      const started = Date.now();
      await job.run(this.abort.signal);
      this.log.debug({ job: name, ms: Date.now() - started }, 'job finished');
    });
    this.running.set(name, next);
    try {
      await next;
    } finally {
      if (this.running.get(name) === next) this.running.delete(name);
    }
    return true;
  }

  /** Stops schedules, signals running jobs and waits for them. */
  async stop(): Promise<void> {
    for (const c of this.crons) c.stop();
    this.abort.abort();
    await Promise.allSettled([...this.running.values()]);
  }
}
