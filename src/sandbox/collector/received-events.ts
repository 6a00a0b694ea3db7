import type { Clock } from '../../clock/index.js';

// What a sandbox collector holds. The json_lines collector keeps every line it read, repeats
// included, so a test can count them; the HTTP collector keeps one document per event id and
// counts the arrivals beside it.

export interface ReceivedEvent {
  /** `event_id` of the document; undefined for a line that is not a JSON object with one. */
  eventId?: string;
  document?: Record<string, unknown>;
  receivedAt: Date;
}

export function parseReceived(text: string, clock: Clock): ReceivedEvent {
  const receivedAt = clock.now();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { receivedAt };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { receivedAt };
  const document = value as Record<string, unknown>;
  const id = document.event_id;
  return { ...(typeof id === 'string' && id !== '' ? { eventId: id } : {}), document, receivedAt };
}

/** Listens again on the port it had, so a restarted collector is found where the reporter expects it. */
export function listenOn(server: { listen(port: number, host: string, cb: () => void): unknown; once(e: 'error', cb: (err: Error) => void): unknown; address(): unknown }, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null && 'port' in address ? Number(address.port) : port);
    });
  });
}
