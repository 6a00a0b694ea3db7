import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { signCentralDocument, type DocumentAlgorithm, type SettingValue } from '../../central-config/index.js';
import type { Clock } from '../../clock/index.js';

// The sandbox's configuration hub: serves a signed configuration document (src/central-config/document.ts)
// at GET /config, or one meant for a single organisation at GET /config/{orgnr}. It signs with its own
// key; the daemon pins the public half (writeTrustedKeys), as an operator would pin the hub's key.

export interface ConfigHubSigning {
  privateKey: KeyObject;
  alg: DocumentAlgorithm;
}

export interface ConfigHubOptions {
  clock: Clock;
  port?: number;
  host?: string;
  /** A fresh ES256 key when absent. */
  signing?: ConfigHubSigning;
}

export interface PublishOptions {
  /** The next serial (one above the last published) when absent. */
  serial?: number;
  /** Lifetime from now; one day when absent. */
  ttlMs?: number;
  /** Only this organisation's daemon gets the document (served at /config/{orgnr}, with aud set). */
  orgnr?: string;
}

export interface ConfigHub {
  /** Base URL; the document is at `${url}/config` or `${url}/config/{orgnr}`. */
  url: string;
  documentUrl(orgnr?: string): string;
  /** The public key a daemon pins, with its kid. */
  publicJwk: JWK;
  writeTrustedKeys(file: string): Promise<void>;
  /** Signs and serves a document with these settings. */
  publish(settings: Readonly<Record<string, SettingValue>>, options?: PublishOptions): Promise<{ serial: number; jws: string }>;
  /** Serves exactly this text (a document signed elsewhere, or a tampered one). */
  serve(text: string, orgnr?: string): void;
  /** Answers every request with this HTTP status until called with undefined. */
  setFailure(status: number | undefined): void;
  /** How many document requests were answered. */
  readonly requestCount: number;
  close(): Promise<void>;
}

const DEFAULTS = { host: '127.0.0.1', port: 0, ttlMs: 24 * 60 * 60 * 1000 };
const ALL = '*';

export async function startConfigHub(o: ConfigHubOptions): Promise<ConfigHub> {
  const signing = o.signing ?? { privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, alg: 'ES256' as const };
  const exported = await exportJWK(createPublicKey(signing.privateKey));
  const kid = await calculateJwkThumbprint(exported, 'sha256');
  const publicJwk: JWK = { ...exported, kid, alg: signing.alg, use: 'sig' };
  const documents = new Map<string, string>();
  let serial = 0;
  let failure: number | undefined;
  let requestCount = 0;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/config(?:\/(\d{9}))?\/?$/.exec(new URL(req.url ?? '/', 'http://hub').pathname);
    if (req.method !== 'GET' || !match) return send(res, 404, 'not found');
    requestCount++;
    if (failure !== undefined) return send(res, failure, 'failing as asked');
    const text = documents.get(match[1] ?? ALL) ?? documents.get(ALL);
    return text === undefined ? send(res, 404, 'no document published') : send(res, 200, text, 'application/jwt');
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(o.port ?? DEFAULTS.port, o.host ?? DEFAULTS.host, resolve));
  const url = `http://${o.host ?? DEFAULTS.host}:${(server.address() as AddressInfo).port}`;

  return {
    url,
    documentUrl: (orgnr) => `${url}/config${orgnr === undefined ? '' : `/${orgnr}`}`,
    publicJwk,
    writeTrustedKeys: (file) => writeFile(file, JSON.stringify({ keys: [publicJwk] }, null, 2)),
    async publish(settings, options = {}) {
      serial = options.serial ?? serial + 1;
      const now = Math.floor(o.clock.now().getTime() / 1000);
      const jws = await signCentralDocument({
        privateKey: signing.privateKey, alg: signing.alg, kid,
        claims: {
          serial, iat: now, exp: now + Math.floor((options.ttlMs ?? DEFAULTS.ttlMs) / 1000), iss: url, settings,
          ...(options.orgnr === undefined ? {} : { aud: options.orgnr }),
        },
      });
      documents.set(options.orgnr ?? ALL, jws);
      return { serial, jws };
    },
    serve: (text, orgnr) => { documents.set(orgnr ?? ALL, text); },
    setFailure: (status) => { failure = status; },
    get requestCount() { return requestCount; },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
