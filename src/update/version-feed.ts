import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { FeedInvalidError } from './errors.js';
import { parseReleaseVersion, type ReleaseVersion } from './release-version.js';

// The version feed in the reference's `latest-versions.yml` shape (ops notes §1.2):
//   integrasjonspunkt.environments.<environment>.{latest, earlybird}
// Read leniently like the reference (unknown members ignored); the environment names are not limited to
// the reference's four so that a sandbox hub may publish its own.
export interface FeedChannels {
  latest?: string;
  earlybird?: string;
}

export type VersionFeed = Readonly<Record<string, FeedChannels>>;

export interface FeedSelection {
  environment: string;
  earlybird: boolean;
}

const ROOT = 'integrasjonspunkt';

export function parseVersionFeed(text: string): VersionFeed {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    throw new FeedInvalidError('the version feed is not YAML', cause);
  }
  const environments = member(member(doc, ROOT), 'environments');
  if (!isRecord(environments)) throw new FeedInvalidError(`the version feed has no ${ROOT}.environments`);
  const feed: Record<string, FeedChannels> = {};
  for (const [name, value] of Object.entries(environments)) {
    feed[name] = { latest: scalarText(member(value, 'latest')), earlybird: scalarText(member(value, 'earlybird')) };
  }
  return feed;
}

/**
 * The version the feed offers to this installation. Early bird falls back to latest when its value is
 * empty (ops notes §1.2); an environment missing from the feed is an error, as in the reference.
 */
export function selectVersion(feed: VersionFeed, selection: FeedSelection): ReleaseVersion {
  const channels = Object.hasOwn(feed, selection.environment) ? feed[selection.environment] : undefined;
  if (!channels) throw new FeedInvalidError(`the version feed has no environment '${selection.environment}'`);
  const chosen = selection.earlybird && channels.earlybird ? channels.earlybird : channels.latest;
  if (!chosen) throw new FeedInvalidError(`the version feed gives no latest version for '${selection.environment}'`);
  const version = parseReleaseVersion(chosen);
  if (!version) throw new FeedInvalidError(`the version feed's '${chosen}' for '${selection.environment}' is not a semantic version`);
  return version;
}

/** Renders a feed in the reference's shape (the sandbox hub publishes it). */
export function formatVersionFeed(feed: VersionFeed): string {
  const environments: Record<string, FeedChannels> = {};
  for (const [name, channels] of Object.entries(feed)) {
    environments[name] = {
      ...(channels.latest ? { latest: channels.latest } : {}),
      ...(channels.earlybird ? { earlybird: channels.earlybird } : {}),
    };
  }
  return stringifyYaml({ [ROOT]: { environments } });
}

function member(value: unknown, name: string): unknown {
  return isRecord(value) && Object.hasOwn(value, name) ? value[name] : undefined;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
