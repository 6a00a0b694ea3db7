// Reaching an endpoint the daemon talks to: an HTTP request for http(s) URLs (any answer proves DNS,
// routing, firewall and TLS work), a TCP connect for tcp://host:port. Short timeouts; the connection is
// closed after the answer so `efm doctor` exits at once.
import { connect } from 'node:net';
import type { Clock } from '../clock/index.js';
import { loadUndici } from '../http/index.js';

export type Probe =
  | { reached: true; status?: number; date?: string; sentAt: Date; answeredAt: Date }
  | { reached: false; code: string; message: string };

export async function probe(url: URL, timeoutMs: number, clock: Clock): Promise<Probe> {
  return url.protocol === 'tcp:' ? probeTcp(url, timeoutMs, clock) : probeHttp(url, timeoutMs, clock);
}

async function probeHttp(url: URL, timeoutMs: number, clock: Clock): Promise<Probe> {
  const { request } = await loadUndici();
  const sentAt = clock.now();
  try {
    const res = await request(url, {
      method: 'HEAD', reset: true, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs),
    });
    const answeredAt = clock.now();
    await res.body.dump();
    const date = res.headers.date;
    return { reached: true, status: res.statusCode, sentAt, answeredAt, ...(typeof date === 'string' ? { date } : {}) };
  } catch (error) {
    return { reached: false, code: errorCode(error), message: error instanceof Error ? error.message : String(error) };
  }
}

function probeTcp(url: URL, timeoutMs: number, clock: Clock): Promise<Probe> {
  const sentAt = clock.now();
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port), timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ reached: true, sentAt, answeredAt: clock.now() });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ reached: false, code: 'ETIMEDOUT', message: `no connection within ${timeoutMs} ms` });
    });
    socket.once('error', (error) => resolve({ reached: false, code: errorCode(error), message: error.message }));
  });
}

/** undici puts the system error's code on the error or on its cause. */
function errorCode(error: unknown): string {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if ('code' in e && typeof e.code === 'string') return e.code;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'ETIMEDOUT';
  }
  return 'UNKNOWN';
}
