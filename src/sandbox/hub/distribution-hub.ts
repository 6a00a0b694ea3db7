import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { formatVersionFeed, type VersionFeed } from '../../update/index.js';
import { publishRelease, type ReleaseToPublish } from './publish-release.js';

// The sandbox's distribution hub: a real HTTP server with the reference's layout (ops notes §1.2–§1.3).
//   GET /latest-versions.yml                      the version feed
//   GET /releases/download/<tag>/<file>           302 to /objects/<tag>/<file>, as GitHub sends
//                                                 downloads on to its object storage
//   GET /objects/<tag>/<file>                     the archive, its .sha256 and its .asc
// Everything is served from one folder, so a test (or an operator trying the updater) may also change
// the files directly, e.g. to tamper with a published archive.
export interface DistributionHubOptions {
  /** Folder holding latest-versions.yml and releases/<tag>/…; created when missing. */
  dir: string;
  port?: number;
  host?: string;
}

export interface HubRequest {
  method: string;
  url: string;
}

export interface DistributionHub {
  url: string;
  /** `efm.update.feed-url` for this hub. */
  feedUrl: string;
  /** `efm.update.releases-url` for this hub. */
  releasesUrl: string;
  dir: string;
  /** Every request received, oldest first. */
  requests: HubRequest[];
  setFeed(feed: VersionFeed): Promise<void>;
  /** Publishes a release; returns the folder of its files. */
  publish(release: ReleaseToPublish): Promise<string>;
  close(): Promise<void>;
}

const FEED_FILE = 'latest-versions.yml';
const SAFE_SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._+-]+$/;

export async function startDistributionHub(o: DistributionHubOptions): Promise<DistributionHub> {
  await mkdir(o.dir, { recursive: true });
  const requests: HubRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    answer(o.dir, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${o.host ?? '127.0.0.1'}:${port}`;
  return {
    url,
    feedUrl: `${url}/${FEED_FILE}`,
    releasesUrl: `${url}/releases/download`,
    dir: o.dir,
    requests,
    setFeed: (feed) => writeFile(join(o.dir, FEED_FILE), formatVersionFeed(feed)),
    publish: (release) => publishRelease(o.dir, release),
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

async function answer(dir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
  const path = new URL(req.url ?? '/', 'http://hub').pathname;
  const segments = path.split('/').slice(1).map(safeDecode);
  if (segments.length === 1 && segments[0] === FEED_FILE) return sendFile(res, req, join(dir, FEED_FILE), 'application/yaml');
  const [first, second, tag, file] = segments;
  if (segments.length === 4 && first === 'releases' && second === 'download' && isSafe(tag) && isSafe(file)) {
    return void res.writeHead(302, { location: `/objects/${encodeURIComponent(tag)}/${encodeURIComponent(file)}` }).end();
  }
  const [objects, objectTag, objectFile] = segments;
  if (segments.length === 3 && objects === 'objects' && isSafe(objectTag) && isSafe(objectFile)) {
    return sendFile(res, req, join(dir, 'releases', objectTag, objectFile), 'application/octet-stream');
  }
  res.writeHead(404).end();
}

async function sendFile(res: ServerResponse, req: IncomingMessage, path: string, type: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': type, 'content-length': info.size });
  if (req.method === 'HEAD') return void res.end();
  await pipeline(createReadStream(path), res);
}

function isSafe(segment: string | undefined): segment is string {
  return segment !== undefined && SAFE_SEGMENT.test(segment);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}
