import { createHash } from 'node:crypto';

// Status events get a name-based id (RFC 9562 UUIDv5) instead of a random one. The store keeps each
// status at most once per conversation, so (direction, messageId, status, status row id) names one
// status change, and every announcement of it (a replay after a crash between the store's commit and
// record(), or two daemons sharing one database) yields the same id: the collector keeps one. The
// central side already treats `<message_id>-<status>` as the identity of a status (its Kafka key, ops
// notes §3.3); the row id keeps a conversation that was deleted and created again apart from the first.
const NAMESPACE = Buffer.from('5b0f6c1e8a3d4f7e9c2b1a0d3e4f5a6b', 'hex');

export function nameBasedEventId(...parts: readonly (string | number)[]): string {
  const name = parts.map((p) => String(p).replaceAll('\\', '\\\\').replaceAll('|', '\\|')).join('|');
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
