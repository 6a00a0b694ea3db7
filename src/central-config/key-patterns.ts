// Which keys a document may set (efm.central-config.allow) and which keep their local value
// (efm.central-config.pinned). A pattern is a canonical key or a prefix ending in `.*`. Checked against the
// schema at start-up, so a typo in either list stops the daemon instead of silently matching nothing.
import { describeSettings } from '../config/index.js';
import { CentralConfigSetupError } from './errors.js';

/** The document's trust anchor: a document that could move its own URL, key or allow-list could keep itself. */
const NEVER_CENTRAL_PREFIX = 'efm.central-config.';

const SETTINGS = describeSettings();
const KNOWN = new Set(SETTINGS.map((s) => s.key));
const SECRET = new Set(SETTINGS.filter((s) => s.secret).map((s) => s.key));

export function isKnownKey(key: string): boolean {
  return KNOWN.has(key);
}

export function isSecretKey(key: string): boolean {
  return SECRET.has(key);
}

export class KeyPatterns {
  private constructor(
    readonly patterns: readonly string[],
    private readonly exact: ReadonlySet<string>,
    private readonly prefixes: readonly string[],
  ) {}

  /** Throws CentralConfigSetupError for a pattern that names no setting; `setting` names the list in the message. */
  static compile(patterns: readonly string[], setting: string): KeyPatterns {
    const exact = new Set<string>();
    const prefixes: string[] = [];
    for (const pattern of patterns) {
      if (pattern.endsWith('.*')) {
        const prefix = pattern.slice(0, -1);
        if (!SETTINGS.some((s) => s.key.startsWith(prefix))) throw new CentralConfigSetupError(`${setting}: ${pattern} matches no setting`);
        prefixes.push(prefix);
      } else {
        if (!KNOWN.has(pattern)) throw new CentralConfigSetupError(`${setting}: ${pattern} is not a setting (use canonical efm.* keys, see efm settings)`);
        exact.add(pattern);
      }
    }
    return new KeyPatterns(patterns, exact, prefixes);
  }

  namesExactly(key: string): boolean {
    return this.exact.has(key);
  }

  matches(key: string): boolean {
    return this.exact.has(key) || this.prefixes.some((p) => key.startsWith(p));
  }
}

/** An allow-list that names a key which can never be set centrally is a setup mistake worth stopping for. */
export function checkAllowList(allow: KeyPatterns, setting: string): void {
  const bad = allow.patterns.find((p) => p.startsWith(NEVER_CENTRAL_PREFIX));
  if (bad !== undefined) throw new CentralConfigSetupError(`${setting}: ${bad} would let the document change its own trust settings (efm.central-config.*)`);
}

/**
 * Whether the allow-list lets a document set this key. A secret needs its exact key in the list: a
 * wildcard that happens to cover a password must not let one be pushed.
 */
export function isCentrallySettable(key: string, allow: KeyPatterns): boolean {
  if (!KNOWN.has(key) || key.startsWith(NEVER_CENTRAL_PREFIX)) return false;
  return SECRET.has(key) ? allow.namesExactly(key) : allow.matches(key);
}
