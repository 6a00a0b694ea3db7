import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls, type SecureContextOptions } from 'node:tls';
import { TrackingDeliveryError } from './errors.js';
import type { BufferedEvent, Delivery, TrackingTransport } from './port.js';

// json_lines over TCP, optionally TLS with a client certificate: the wire of the reference's
// LogstashTcpSocketAppender (ops notes §3.1), so the existing central Logstash takes our events.
//
// The protocol has no acknowledgement, so each batch travels on its own connection and the
// confirmation is the connection's orderly end: after the last line we half-close (FIN, or TLS
// close_notify then FIN), and the collector closes its side only once it has read up to our end —
// Logstash's TCP input does exactly that on a client's half-close. A collector that dies or resets
// before reading everything gives us an error instead, and the whole batch is sent again on a new
// connection: at-least-once, and the collector drops repeats by `event_id`.
//
// Limit: a collector that closes the connection on its own within one round trip of our last line
// (a shutdown racing the batch) can look like an orderly end; we accept that window rather than add
// a reply the existing collector does not send. One connection per batch (not per event: the reporter
// gathers events for a moment) with TLS session resumption keeps the handshakes cheap.

export interface JsonLinesTransportOptions {
  host: string;
  port: number;
  /** Client TLS options; plain TCP when undefined. */
  tls?: SecureContextOptions;
  timeoutMs: number;
}

export class JsonLinesTransport implements TrackingTransport {
  readonly destination: string;
  private session: Buffer | undefined;

  constructor(private readonly o: JsonLinesTransportOptions) {
    this.destination = `${o.tls ? 'tls' : 'tcp'}://${o.host}:${o.port}`;
  }

  async deliver(events: readonly BufferedEvent[], signal: AbortSignal): Promise<Delivery> {
    await this.exchange(events.map((e) => `${e.line}\n`).join(''), signal);
    return { stored: 'all', rejected: [] };
  }

  async close(): Promise<void> {
    this.session = undefined;
  }

  private open(): Socket {
    const { host, port, tls } = this.o;
    if (!tls) return connectTcp({ host, port });
    const socket = connectTls({ host, port, ...tls, ...(isIP(host) ? {} : { servername: host }), ...(this.session ? { session: this.session } : {}) });
    socket.on('session', (session: Buffer) => { this.session = session; });
    return socket;
  }

  private exchange(payload: string, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = this.open();
      let flushed = false;
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (!error) return resolve();
        socket.destroy();
        reject(new TrackingDeliveryError(`${this.destination}: ${error.message}`, error));
      };
      const onAbort = () => settle(new Error('delivery stopped'));
      const timer = setTimeout(() => settle(new Error(`no orderly end within ${this.o.timeoutMs} ms`)), this.o.timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) return onAbort();
      socket.on('error', (err) => settle(err));
      // The collector sends nothing; reading is what lets us see its end.
      socket.on('data', () => undefined);
      socket.on('end', () => settle(flushed ? undefined : new Error('the collector closed the connection before it had every event')));
      socket.on('close', () => settle(new Error('the connection closed without an orderly end')));
      socket.end(payload, () => { flushed = true; });
    });
  }
}
