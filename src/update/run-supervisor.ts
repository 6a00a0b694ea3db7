import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Clock } from '../clock/index.js';
import type { Config } from '../config/index.js';
import { OSLO } from '../domain/index.js';
import { UpdateError, UpdateSetupError } from './errors.js';
import { createHubClient, type HubClient } from './hub-client.js';
import { installLayout } from './install-layout.js';
import { parseMaintenanceWindow, type MaintenanceWindow } from './maintenance-window.js';
import { ReleaseInstaller } from './release-installer.js';
import { loadPinnedKeys } from './signing-keys.js';
import { Supervisor } from './supervisor.js';
import type { UpdateCheckSettings } from './update-check.js';

// `efm supervise`: the composition root of the updater. Builds the supervisor from the frozen Config,
// starts the daemon child, checks for updates on start and on the cron (Europe/Oslo, ops notes §1.7) and
// when a maintenance window opens, and stops everything when the signal aborts.
export interface RunSupervisorOptions {
  config: Config;
  log: Logger;
  clock: Clock;
  /** Environment of the daemon child: as a rule the supervisor's own, so EFM_* settings reach it. */
  env: Readonly<Record<string, string | undefined>>;
  /** Arguments after the release's entry script, e.g. `['start', '--config', '/etc/efm/efm.yml']`. */
  childArgs: readonly string[];
  /** Aborting it (SIGTERM, SIGINT) stops checks and restarts and drains the daemon; then runSupervisor returns 0. */
  signal: AbortSignal;
  /** The Node executable that runs the child; the supervisor's own when absent. */
  nodePath?: string;
  /** The child's stdout and stderr; the supervisor's own when absent. */
  childOutput?: 'inherit' | 'ignore' | Writable;
}

export interface BuiltSupervisor {
  supervisor: Supervisor;
  /** Cron patterns that trigger an update check (the schedule, then each window's opening). */
  schedules: string[];
  close(): Promise<void>;
}

/** Exit codes: 0 stopped by the signal, 2 the update settings cannot work, 1 any other failure to start. */
export async function runSupervisor(o: RunSupervisorOptions): Promise<number> {
  const log = o.log.child({ module: 'update' });
  let built: BuiltSupervisor | undefined;
  try {
    built = await buildSupervisor({ ...o, log });
    await built.supervisor.start();
  } catch (error) {
    await built?.close();
    if (!(error instanceof UpdateError)) throw error;
    log.error({ code: error.code, reason: error.message }, 'the supervisor cannot start');
    return error instanceof UpdateSetupError ? 2 : 1;
  }
  const running = built;
  const crons = o.config.update.enabled ? running.schedules.map((pattern) => new Cron(pattern, { timezone: OSLO, protect: true }, () => {
    running.supervisor.check().catch((err: unknown) => log.error({ err }, 'update check failed'));
  })) : [];
  if (o.config.update.enabled && o.config.update.checkOnStart) {
    running.supervisor.check().catch((err: unknown) => log.error({ err }, 'update check failed'));
  }
  log.info({ updates: o.config.update.enabled, schedules: running.schedules }, 'supervisor running');
  await aborted(o.signal);
  for (const cron of crons) cron.stop();
  await running.close();
  log.info('supervisor stopped');
  return 0;
}

/** The supervisor and its collaborators, from the config; throws UpdateSetupError for settings that cannot work. */
export async function buildSupervisor(o: Omit<RunSupervisorOptions, 'signal'>): Promise<BuiltSupervisor> {
  const u = o.config.update;
  const window = u.maintenanceWindow === undefined ? undefined : parseMaintenanceWindow(u.maintenanceWindow);
  checkCron(u.schedule);
  const layout = installLayout(resolve(u.installRoot));
  const keys = await loadPinnedKeys(u.publicKeyPaths);
  // Every start verifies the release, also with update checks off, so keys are always needed.
  if (keys.length === 0) throw new UpdateSetupError('efm.update.public-key-paths names no public key; every release is verified against them before it starts');
  const hub = await createHubClient({ connectTimeoutMs: u.connectTimeout, readTimeoutMs: u.readTimeout });
  let updates: UpdateCheckSettings | undefined;
  try {
    updates = u.enabled ? updateSettings(o.config, hub, window) : undefined;
  } catch (error) {
    await hub.close();
    throw error;
  }
  const installer = new ReleaseInstaller({
    layout, hub, keys, clock: o.clock, releasesUrl: u.releasesUrl ?? '', maxArchiveBytes: u.maxArchiveSize,
  });
  const supervisor = new Supervisor({
    layout, installer, updates, clock: o.clock, log: o.log,
    launch: {
      command: o.nodePath ?? process.execPath, args: o.childArgs, cwd: layout.root, env: daemonEnv(o.env), output: o.childOutput ?? 'inherit',
      healthUrl: u.healthUrl ?? `http://127.0.0.1:${o.config.server.port}/manage/health`,
      pollIntervalMs: u.launchPollInterval, timeoutMs: u.launchTimeout, drainTimeoutMs: u.drainTimeout,
    },
    blocklist: { enabled: u.blocklist.enabled, durationMs: u.blocklist.duration },
    restart: { initialBackoffMs: u.restart.initialBackoff, maxBackoffMs: u.restart.maxBackoff },
  });
  let closing: Promise<void> | undefined;
  return {
    supervisor,
    schedules: [u.schedule, ...(window?.openings() ?? [])],
    close: () => {
      closing ??= supervisor.close().then(() => hub.close());
      return closing;
    },
  };
}

function updateSettings(config: Config, hub: HubClient, window: MaintenanceWindow | undefined): UpdateCheckSettings {
  const u = config.update;
  const missing = [
    ...(u.feedUrl === undefined ? ['efm.update.feed-url'] : []),
    ...(u.releasesUrl === undefined ? ['efm.update.releases-url'] : []),
  ];
  if (u.feedUrl === undefined || missing.length > 0) {
    throw new UpdateSetupError(`update checks are on but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set; set them or efm.update.enabled=false`);
  }
  return {
    hub, feedUrl: u.feedUrl, environment: u.environment, earlybird: u.earlybird,
    ...(u.allowedApiMajor === undefined ? {} : { allowedApiMajor: u.allowedApiMajor }),
    ...(window ? { window } : {}),
  };
}

function checkCron(pattern: string): void {
  try {
    new Cron(pattern, { paused: true, timezone: OSLO }).stop();
  } catch (cause) {
    throw new UpdateSetupError(`efm.update.schedule '${pattern}' is not a cron pattern`, cause);
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((done) => signal.addEventListener('abort', () => done(), { once: true }));
}

/**
 * The daemon child's environment: the given one, with two malloc arenas unless the operator chose a
 * number (the libuv and crypto threads otherwise each keep an arena of freed stream buffers).
 */
export function daemonEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return { MALLOC_ARENA_MAX: '2', ...env };
}
