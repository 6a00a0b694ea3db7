import type { Logger } from 'pino';
import type { Clock } from '../clock/index.js';
import type { ChildDaemon } from './child-daemon.js';
import { readCurrentVersion, writeCurrentVersion } from './current-pointer.js';
import { ReleaseRefusedError, UpdateError, UpdateSetupError } from './errors.js';
import type { InstallLayout } from './install-layout.js';
import type { InstalledRelease } from './installed-release.js';
import { launchRelease, type LaunchSettings } from './launcher.js';
import type { ReleaseInstaller } from './release-installer.js';
import { runUpdateCheck, type CheckResult, type FeedMemory, type UpdateCheckSettings } from './update-check.js';
import { allowlistedVersion, allowlistVersion, blockVersion } from './version-lists.js';

// Runs the daemon as a child and keeps it running and current. One operation at a time (start, update
// check, crash restart, stop), queued in order. A child that exits without being asked to is started
// again with a growing backoff, whatever the update settings say: in the reference, turning auto-refresh
// off also stopped its restarts of a dead integration point (ops notes §1.2). Every start re-verifies the
// release first (see installed-release.ts).
export interface SupervisorOptions {
  layout: InstallLayout;
  installer: ReleaseInstaller;
  launch: LaunchSettings;
  /** Absent when update checks are off; crash restarts do not depend on it. */
  updates?: UpdateCheckSettings;
  blocklist: { enabled: boolean; durationMs: number };
  restart: { initialBackoffMs: number; maxBackoffMs: number };
  clock: Clock;
  log: Logger;
}

export interface SupervisorStatus {
  state: 'idle' | 'running' | 'restarting' | 'stopped';
  version?: string;
  pid?: number;
}

export type LaunchResult = 'healthy' | 'failed';

export class Supervisor {
  private queue: Promise<unknown> = Promise.resolve();
  private child: ChildDaemon | undefined;
  private childStartedAt = 0;
  private release: InstalledRelease | undefined;
  private readonly expectedExits = new WeakSet<ChildDaemon>();
  private restartTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private readonly feedMemory: FeedMemory = {};

  constructor(private readonly o: SupervisorOptions) {}

  /** Starts the version in `current` (or the allow-listed one); with nothing installed, installs from the feed. */
  start(): Promise<void> {
    return this.serial(async () => {
      await this.o.installer.clearStaging();
      const current = await readCurrentVersion(this.o.layout);
      const good = await allowlistedVersion(this.o.layout.root);
      if (current === undefined && good === undefined) {
        if (!this.o.updates) throw new UpdateSetupError(`nothing is installed in ${this.o.layout.root} and update checks are off`);
        this.o.log.info({ root: this.o.layout.root }, 'nothing installed yet; installing from the feed');
        const result = await this.checkInQueue();
        if (result.outcome !== 'updated') this.scheduleRestart();
        return;
      }
      await this.bringUp();
    });
  }

  /** One update check: feed, policy, download, verify, switch, roll back. */
  check(): Promise<CheckResult> {
    return this.serial(() => this.checkInQueue());
  }

  status(): SupervisorStatus {
    if (this.closed) return { state: 'stopped' };
    const version = this.release?.release.version;
    if (this.child && !this.child.hasExited) return { state: 'running', version, pid: this.child.pid };
    return { state: this.restartTimer ? 'restarting' : 'idle', version };
  }

  /** Stops checks and restarts, and drains the child. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.queue.catch(() => undefined);
    await this.stopChild();
  }

  private async checkInQueue(): Promise<CheckResult> {
    if (!this.o.updates) return { outcome: 'disabled' };
    return runUpdateCheck({
      settings: this.o.updates, feedMemory: this.feedMemory, installer: this.o.installer, layout: this.o.layout, clock: this.o.clock, log: this.o.log,
      blocklist: this.o.blocklist, running: this.release, switchTo: (release) => this.switchTo(release),
    });
  }

  /** Stops the running child, moves `current`, starts `next`; back to the previous version when it fails. */
  private async switchTo(next: InstalledRelease): Promise<{ result: LaunchResult; rolledBackTo?: string }> {
    const previous = this.release;
    await this.stopChild();
    await writeCurrentVersion(this.o.layout, next.release.version);
    if ((await this.launch(next.release.version)) === 'healthy') return { result: 'healthy' };
    await this.blockAfterFailure(next);
    if (!previous) {
      this.scheduleRestart();
      return { result: 'failed' };
    }
    this.o.log.warn({ version: next.release.version, rollbackTo: previous.release.version }, 'new version not healthy in time; rolling back');
    await writeCurrentVersion(this.o.layout, previous.release.version);
    if ((await this.launch(previous.release.version)) !== 'healthy') this.scheduleRestart();
    return { result: 'failed', rolledBackTo: previous.release.version };
  }

  /** Starts the version in `current`; a version on trial that fails gives way to the allow-listed one. */
  private async bringUp(): Promise<void> {
    if (this.closed || (this.child && !this.child.hasExited)) return;
    const good = await allowlistedVersion(this.o.layout.root);
    const target = (await readCurrentVersion(this.o.layout)) ?? good;
    if (target === undefined) return;
    if ((await this.launch(target)) === 'healthy') return;
    if (good !== undefined && good !== target) {
      this.o.log.warn({ version: target, rollbackTo: good }, 'version on trial did not start; rolling back to the last known good one');
      await writeCurrentVersion(this.o.layout, good);
      if ((await this.launch(good)) === 'healthy') return;
    }
    this.scheduleRestart();
  }

  /** Verifies and starts one version; an unverifiable one is never started. */
  private async launch(version: string): Promise<LaunchResult> {
    const { log } = this.o;
    let release: InstalledRelease;
    try {
      release = await this.o.installer.verifyInstalled(version);
    } catch (error) {
      if (!(error instanceof UpdateError)) throw error;
      const quarantine = error instanceof ReleaseRefusedError ? await this.o.installer.quarantine(version) : undefined;
      log.error({ version, code: error.code, reason: error.message, quarantine }, 'refusing to start a version that does not verify');
      this.failures++;
      return 'failed';
    }
    log.info({ version, signer: release.signer }, 'starting daemon');
    this.childStartedAt = this.o.clock.now().getTime();
    const { child, outcome } = await launchRelease(release, this.o.launch);
    if (outcome !== 'healthy') {
      log.warn({ version, outcome }, 'daemon did not become healthy');
      this.failures++;
      return 'failed';
    }
    this.child = child;
    this.release = release;
    void child.exited.then(() => this.onExit(child));
    log.info({ version, pid: child.pid }, 'daemon healthy');
    if ((await allowlistedVersion(this.o.layout.root)) !== version) await allowlistVersion(this.o.layout.root, release.release, this.o.clock.now());
    return 'healthy';
  }

  private onExit(child: ChildDaemon): void {
    if (this.expectedExits.has(child) || child !== this.child || this.closed) return;
    this.child = undefined;
    // A child that ran longer than the longest backoff was stable: its crash starts a fresh backoff.
    if (this.o.clock.now().getTime() - this.childStartedAt >= this.o.restart.maxBackoffMs) this.failures = 0;
    this.failures++;
    this.o.log.error({ version: this.release?.release.version }, 'daemon exited unexpectedly; restarting it');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.closed || this.restartTimer) return;
    const { initialBackoffMs, maxBackoffMs } = this.o.restart;
    const delayMs = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.max(0, Math.min(this.failures - 1, 30)));
    this.o.log.info({ delayMs }, 'restart scheduled');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.serial(() => this.bringUp()).catch((error: unknown) => {
        this.o.log.error({ err: error }, 'restart failed');
        this.scheduleRestart();
      });
    }, delayMs);
  }

  private async stopChild(): Promise<void> {
    const child = this.child;
    if (!child || child.hasExited) return;
    this.expectedExits.add(child);
    this.o.log.info({ pid: child.pid }, 'stopping daemon; it finishes in-flight work first');
    const exit = await child.stop(this.o.launch.drainTimeoutMs);
    this.o.log.info({ code: exit.code, signal: exit.signal }, 'daemon stopped');
    this.child = undefined;
  }

  private async blockAfterFailure(release: InstalledRelease): Promise<void> {
    if (!this.o.blocklist.enabled) return;
    const until = new Date(this.o.clock.now().getTime() + this.o.blocklist.durationMs);
    const file = await blockVersion(this.o.layout.root, release.release, until);
    this.o.log.warn({ version: release.release.version, file }, 'version block-listed');
  }

  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
