// The sandbox's central tracking collector: a json_lines TCP input like the central Logstash, an HTTP
// input with acknowledgements, and a page showing what both received.
import type { Clock } from '../../clock/index.js';
import { startCollectorView } from './collector-view.js';
import { HttpCollector } from './http-collector.js';
import { JsonLinesCollector, type CollectorTls } from './json-lines-collector.js';

export { HttpCollector, type HttpCollectorFailure, type HttpCollectorOptions } from './http-collector.js';
export { JsonLinesCollector, type CollectorTls, type JsonLinesCollectorOptions, type JsonLinesFailure } from './json-lines-collector.js';
export type { ReceivedEvent } from './received-events.js';

export interface TrackingCollectorOptions {
  clock: Clock;
  host?: string;
  tcpPort?: number;
  httpPort?: number;
  viewPort?: number;
  /** Serves both inputs over TLS; with `ca`, clients need a certificate from it. */
  tls?: CollectorTls;
}

export interface TrackingCollector {
  jsonLines: JsonLinesCollector;
  http: HttpCollector;
  /** GET shows what both inputs received. */
  viewUrl: string;
  close(): Promise<void>;
}

export async function startTrackingCollector(o: TrackingCollectorOptions): Promise<TrackingCollector> {
  const common = { clock: o.clock, ...(o.host === undefined ? {} : { host: o.host }), ...(o.tls === undefined ? {} : { tls: o.tls }) };
  const jsonLines = await JsonLinesCollector.start({ ...common, port: o.tcpPort ?? 0 });
  const http = await HttpCollector.start({ ...common, port: o.httpPort ?? 0 });
  const view = await startCollectorView({ ...(o.host === undefined ? {} : { host: o.host }), port: o.viewPort ?? 0, sources: { jsonLines, http } });
  return {
    jsonLines,
    http,
    viewUrl: view.url,
    close: async () => {
      await Promise.all([jsonLines.stop(), http.stop(), view.close()]);
    },
  };
}
