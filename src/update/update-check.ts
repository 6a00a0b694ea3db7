import type { Logger } from 'pino';
import type { Clock } from '../clock/index.js';
import { readCurrentVersion } from './current-pointer.js';
import { ReleaseRefusedError, UpdateError } from './errors.js';
import type { HubClient } from './hub-client.js';
import type { InstallLayout } from './install-layout.js';
import type { InstalledRelease } from './installed-release.js';
import { checkApiMajor } from './major-guard.js';
import type { MaintenanceWindow } from './maintenance-window.js';
import type { ReleaseInstaller } from './release-installer.js';
import { isNewerVersion, parseReleaseVersion, type ReleaseVersion } from './release-version.js';
import { blockState, blockVersion } from './version-lists.js';
import { parseVersionFeed, selectVersion, type VersionFeed } from './version-feed.js';

// One update check (ops notes §1.4, steps 2–8): read the feed, pick this installation's version, apply
// the block list and the API major guard, download and verify, and inside the maintenance window hand
// the installed release to the supervisor to switch to.
export interface UpdateCheckSettings {
  hub: HubClient;
  feedUrl: string;
  environment: string;
  earlybird: boolean;
  allowedApiMajor?: number;
  window?: MaintenanceWindow;
}

/** The last feed that parsed, kept by the caller across checks (ops notes §1.2: used when a new one does not). */
export interface FeedMemory {
  last?: VersionFeed;
}

export type CheckResult =
  | { outcome: 'disabled' }
  | { outcome: 'up-to-date'; version: string }
  | { outcome: 'blocked'; version: string; file: string }
  | { outcome: 'refused'; version: string; code: string; reason: string }
  | { outcome: 'held'; version: string; reason: string }
  | { outcome: 'staged'; version: string }
  | { outcome: 'updated'; version: string; from?: string }
  | { outcome: 'rolled-back'; version: string; to?: string }
  | { outcome: 'failed'; code: string; reason: string };

export interface UpdateCheckInput {
  settings: UpdateCheckSettings;
  feedMemory: FeedMemory;
  installer: ReleaseInstaller;
  layout: InstallLayout;
  clock: Clock;
  log: Logger;
  blocklist: { enabled: boolean; durationMs: number };
  /** The release that last ran healthy under this supervisor; undefined before the first one did. */
  running: InstalledRelease | undefined;
  switchTo(release: InstalledRelease): Promise<{ result: 'healthy' | 'failed'; rolledBackTo?: string }>;
}

const FEED_MAX_BYTES = 1024 * 1024;

export async function runUpdateCheck(input: UpdateCheckInput): Promise<CheckResult> {
  const { log } = input;
  try {
    const result = await check(input);
    const level = result.outcome === 'refused' || result.outcome === 'rolled-back' ? 'error' : 'info';
    log[level]({ ...result }, 'update check done');
    return result;
  } catch (error) {
    if (!(error instanceof UpdateError)) throw error;
    const result: CheckResult = { outcome: 'failed', code: error.code, reason: error.message };
    log.warn({ ...result }, 'update check failed; the next one tries again');
    return result;
  }
}

async function check(input: UpdateCheckInput): Promise<CheckResult> {
  const { settings, layout, clock } = input;
  const candidate = selectVersion(await readFeed(input), settings);
  const current = input.running?.release ?? (await installedCurrent(input));
  if (current && !isNewerVersion(candidate, current)) return { outcome: 'up-to-date', version: current.version };
  const block = await blockState(layout.root, candidate.version, clock.now());
  if (block.blocked) return { outcome: 'blocked', version: candidate.version, file: block.file };

  let installed: InstalledRelease;
  try {
    installed = await installOrReuse(input, candidate);
  } catch (error) {
    if (error instanceof HeldError) return { outcome: 'held', version: candidate.version, reason: error.message };
    if (!(error instanceof ReleaseRefusedError)) throw error;
    await blockRefused(input, candidate);
    return { outcome: 'refused', version: candidate.version, code: error.code, reason: error.message };
  }
  // The window spares a running daemon; a first install has none to spare.
  if (input.running && settings.window && !settings.window.contains(clock.now())) return { outcome: 'staged', version: candidate.version };

  const { result, rolledBackTo } = await input.switchTo(installed);
  if (result === 'healthy') return { outcome: 'updated', version: candidate.version, ...(current ? { from: current.version } : {}) };
  return { outcome: 'rolled-back', version: candidate.version, ...(rolledBackTo ? { to: rolledBackTo } : {}) };
}

/**
 * With no healthy child, the version in `current` counts only while it is installed: one quarantined
 * after failing its check is offered again by the feed and downloaded afresh.
 */
async function installedCurrent(input: UpdateCheckInput): Promise<ReleaseVersion | undefined> {
  const version = await readCurrentVersion(input.layout);
  if (version === undefined || !(await input.installer.isInstalled(version))) return undefined;
  return parseReleaseVersion(version);
}

async function readFeed(input: UpdateCheckInput): Promise<VersionFeed> {
  const { settings, feedMemory, log } = input;
  const text = await settings.hub.fetchText(settings.feedUrl, FEED_MAX_BYTES);
  try {
    feedMemory.last = parseVersionFeed(text);
    return feedMemory.last;
  } catch (error) {
    if (!feedMemory.last || !(error instanceof UpdateError)) throw error;
    log.warn({ code: error.code, reason: error.message }, 'the feed does not parse; using the last one that did');
    return feedMemory.last;
  }
}

class HeldError extends Error {}

/** A release already installed (staged earlier) is checked again instead of downloaded again. */
async function installOrReuse(input: UpdateCheckInput, candidate: ReleaseVersion): Promise<InstalledRelease> {
  const { installer } = input;
  if (await installer.isInstalled(candidate.version)) {
    const installed = await installer.verifyInstalled(candidate.version);
    guard(input, installed.apiMajor);
    return installed;
  }
  const download = await installer.fetchVerified(candidate);
  try {
    guard(input, download.manifest.apiMajor);
  } catch (error) {
    await installer.discard(download);
    throw error;
  }
  return installer.install(download);
}

function guard(input: UpdateCheckInput, candidateApiMajor: number): void {
  const decision = checkApiMajor({ candidateApiMajor, currentApiMajor: input.running?.apiMajor, allowedApiMajor: input.settings.allowedApiMajor });
  if (!decision.allowed) throw new HeldError(decision.reason);
}

async function blockRefused(input: UpdateCheckInput, release: ReleaseVersion): Promise<void> {
  if (!input.blocklist.enabled) return;
  const until = new Date(input.clock.now().getTime() + input.blocklist.durationMs);
  const file = await blockVersion(input.layout.root, release, until);
  input.log.warn({ version: release.version, file }, 'version block-listed');
}
