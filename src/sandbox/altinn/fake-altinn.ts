import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../clock/index.js';
import { createFailureInjector, type FailureControl } from '../failures.js';
import { handleBroker, sendJson } from './broker-routes.js';
import { BrokerState, type FileTransfer } from './broker-state.js';
import { createTokenIssuer } from './token-issuer.js';

// A local Altinn 3 platform for DPO (transports notes §3.2, §5.1, §8.2): the token exchange, which takes a
// token of the (fake) Maskinporten and gives an Altinn token for the same organisation or system user,
// and the broker, which stores uploads on disk, publishes them to each recipient, lists, serves and
// honours confirmations so a file is delivered once. Either can fail on demand.

export interface MaskinportenTokens {
  /** What a Maskinporten token stands for, while it is valid. */
  lookup(token: string): { orgnr: string; scopes: string[]; systemUserOrg?: string; systemUserName?: string } | undefined;
}

export interface FakeAltinnOptions {
  maskinporten: MaskinportenTokens;
  port?: number;
  host?: string;
  clock?: Clock;
  /** Where uploads are kept, emptied at start (the broker's state lives in memory); a temp folder removed on close when not given. */
  storageDir?: string;
  /** Broker resources that take file transfers; default the DPO resource. */
  resources?: readonly string[];
  maxFileTransferBytes?: number;
}

export interface FakeAltinn {
  /** Base URL of the platform. */
  url: string;
  /** For `efm.dpo.altinn-token-exchange-url`. */
  tokenExchangeUrl: string;
  /** For `efm.dpo.brokerservice-url`. */
  brokerUrl: string;
  failures: FailureControl;
  /** The broker's file transfers, oldest first. */
  transfers(): readonly FileTransfer[];
  close(): Promise<void>;
}

const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  resources: ['eformidling-dpo-meldingsutveksling'],
  maxFileTransferBytes: 2 * 1024 ** 3,
};
const EXCHANGE_PATH = '/authentication/api/v1/exchange/maskinporten';
const BROKER_PATH = '/broker/api/v1/filetransfer';
/** The `iss` of the fake's tokens; the real platform names its OpenID endpoint. */
const TOKEN_ISSUER = 'https://platform.sandbox.altinn.local/authentication/api/v1/openid/';

export async function startFakeAltinn(options: FakeAltinnOptions): Promise<FakeAltinn> {
  const clock = options.clock ?? systemClock;
  const failures = createFailureInjector();
  const ownsStorage = options.storageDir === undefined;
  const storageDir = options.storageDir ?? await mkdtemp(join(tmpdir(), 'efm-sandbox-altinn-'));
  if (!ownsStorage) await rm(storageDir, { recursive: true, force: true });
  await mkdir(storageDir, { recursive: true });
  const state = new BrokerState(clock);
  const broker = {
    state,
    storageDir,
    resources: options.resources ?? DEFAULTS.resources,
    maxFileTransferBytes: options.maxFileTransferBytes ?? DEFAULTS.maxFileTransferBytes,
  };
  const issuer = createTokenIssuer(TOKEN_ISSUER, clock);

  async function exchange(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.resume();
    const grant = options.maskinporten.lookup(bearerOf(req) ?? '');
    if (grant === undefined) {
      sendJson(res, 401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'not a valid Maskinporten token' }, 'application/problem+json');
      return;
    }
    const clientOrg = `0192:${grant.orgnr}`;
    const token = await issuer.issue({ org: grant.systemUserOrg ?? clientOrg, clientOrg, scopes: grant.scopes, systemUserName: grant.systemUserName });
    // Altinn answers with the bare token (§3.2, §9.5).
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(token);
  }

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname === EXCHANGE_PATH && req.method === 'GET') return exchange(req, res);
    if (url.pathname !== BROKER_PATH && !url.pathname.startsWith(`${BROKER_PATH}/`)) {
      req.resume();
      sendJson(res, 404, { type: 'about:blank', title: 'Not Found', status: 404, detail: `no route for ${url.pathname}` }, 'application/problem+json');
      return;
    }
    const caller = await issuer.verify(bearerOf(req) ?? '');
    if (caller === undefined) {
      req.resume();
      sendJson(res, 401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'You must use a bearer token that represents a system user with access to the resource' }, 'application/problem+json');
      return;
    }
    const segments = url.pathname.slice(BROKER_PATH.length).split('/').filter((s) => s !== '').map(decodeURIComponent);
    await handleBroker(broker, { caller, req, res, segments, query: url.searchParams });
  }

  const server = createServer((req, res) => {
    if (failures.intercept(req, res)) return;
    respond(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULTS.port, options.host ?? DEFAULTS.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;

  return {
    url,
    tokenExchangeUrl: `${url}${EXCHANGE_PATH}`,
    brokerUrl: `${url}/broker/api/v1`,
    failures,
    transfers: () => state.all(),
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      if (ownsStorage) await rm(storageDir, { recursive: true, force: true });
    },
  };
}

function bearerOf(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1]?.trim();
}
