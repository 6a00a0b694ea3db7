// Keys a running daemon can take over without a restart. The composition root applies them when the
// central config reports a change: the root logger's level, the webhook dispatcher's timeouts and retry
// policy, and the message validation's strictness and format allow-lists. Everything else (ports, paths,
// keystores, endpoints, services) is built once at start, so a pushed value waits for the next start.
import { KeyPatterns } from './key-patterns.js';

export const HOT_KEYS: readonly string[] = ['efm.log.level', 'efm.webhooks.*', 'efm.validation.*'];

const HOT = KeyPatterns.compile(HOT_KEYS, 'hot keys');

export function isHotKey(key: string): boolean {
  return HOT.matches(key);
}
