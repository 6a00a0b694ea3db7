import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { systemClock, type Clock } from '../../clock/index.js';
import { createAsicStream, type KeystoreEntry } from '../../crypto/index.js';
import { formatOslo, type StandardBusinessDocument } from '../../domain/index.js';
import { createFailureInjector, type FailureControl } from '../failures.js';
import { readDownloadRequest, writeDownloadAnswer } from './incoming-answer.js';
import { readOutgoingUpload, Refusal } from './outgoing-upload.js';
import { applicationReceiptFor, createAdapterState, type ApplicationReceiptStatus, type FakeDphIncoming, type FakeDphMessage } from './adapter-state.js';
import { verifyOutgoing } from './verify-outgoing.js';

// A local nhn-adapter (transports notes §5.6, §8.2): `POST /messages/out` checks and keeps messages (see
// verify-outgoing) and answers with the NHN message id; `GET …/statuses` reports NHN's transport state
// and the receiver's application receipt; `GET /messages/in`, `POST /messages/in` and `POST …/read` serve
// what waits for a HER id, encrypted to the caller. Like NHN, it delivers every message it takes to its
// receiver's HER id here as well, so two integration points (or one sending to itself) talk through it;
// an application receipt that arrives sets the receipt status of the message it relates to. With
// `receipts: 'auto'` each status query moves a dialogmelding on — ACKNOWLEDGED, then a receipt OK with
// its dialogmelding_kvittering to the sender — so a lone sender reaches LEVERT. Any request can be made
// to fail on demand.

export interface FakeNhnAdapterOptions {
  /** The adapter's key: Digdir's business certificate, served by the registry as `virksert/991825827`. */
  key: KeystoreEntry;
  /** Messages and their documents are kept here. */
  workDir: string;
  /** Checks bearer tokens (e.g. the fake Maskinporten's `lookup`), which must hold `eformidling:dph`; without it any bearer is taken. */
  tokens?: { lookup(token: string): { scopes: readonly string[] } | undefined };
  /** `auto` (default): status queries move dialogmeldinger on by themselves; `manual`: only the methods below do. */
  receipts?: 'auto' | 'manual';
  clock?: Clock;
  port?: number;
  host?: string;
}

export interface DeliverInput {
  sbd: StandardBusinessDocument;
  documents?: readonly { name: string; mimetype: string; content: Buffer }[];
  /** Signs the forretningsmelding instead of the adapter (a forgery). */
  signer?: KeystoreEntry;
  /** Sent instead of the SBD's JSON (a broken message). */
  payload?: string;
  isAppRec?: boolean;
}

export interface FakeNhnAdapter {
  /** For `efm.dph.uri`. */
  url: string;
  failures: FailureControl;
  /** Messages taken by `POST /messages/out`, oldest first. */
  readonly sent: readonly FakeDphMessage[];
  /** What waits (or waited) for HER ids, oldest first. */
  readonly inbox: readonly FakeDphIncoming[];
  /** NHN's transport acknowledgement of a sent message. */
  acknowledge(nhnId: string): void;
  /** NHN could not deliver a sent message. */
  rejectTransport(nhnId: string): void;
  /** The receiver's application receipt: its status on the message, and a dialogmelding_kvittering for the sender. */
  applicationReceipt(nhnId: string, status: ApplicationReceiptStatus): void;
  /** Queues a message for the HER id its SBD's receiver names; resolves to its adapter id. */
  deliver(input: DeliverInput): Promise<string>;
  close(): Promise<void>;
}

export async function startFakeNhnAdapter(options: FakeNhnAdapterOptions): Promise<FakeNhnAdapter> {
  const clock = options.clock ?? systemClock;
  const failures = createFailureInjector();
  await mkdir(options.workDir, { recursive: true });
  const state = createAdapterState({ key: options.key, clock });

  function authorise(req: IncomingMessage): void {
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined) throw new Refusal(401, 'a Maskinporten bearer token is required');
    if (options.tokens === undefined) return;
    const grant = options.tokens.lookup(bearer);
    if (grant === undefined || !grant.scopes.includes('eformidling:dph')) throw new Refusal(403, 'the token does not grant eformidling:dph');
  }

  async function send(req: IncomingMessage): Promise<string> {
    const id = randomUUID();
    const cmsPath = join(options.workDir, `${id}.cms`);
    const asicPath = join(options.workDir, `${id}.asice`);
    try {
      const upload = await readOutgoingUpload(req, cmsPath);
      const verified = await verifyOutgoing({ upload, key: options.key, asicPath });
      const nhnId = state.take(id, verified, upload.dokumentpakke === undefined ? undefined : asicPath);
      if (nhnId !== id) await rm(asicPath, { force: true });
      return nhnId;
    } finally {
      await rm(cmsPath, { force: true });
    }
  }

  async function download(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await readDownloadRequest(req, options.key);
    const message = state.incoming(request.id);
    message.downloads++;
    await writeDownloadAnswer(res, { payload: message.payload, signer: message.signer, recipient: request.caller, ...(message.asicPath ? { asicPath: message.asicPath } : {}) });
  }

  async function deliver(input: DeliverInput): Promise<string> {
    const id = randomUUID();
    let asicPath: string | undefined;
    if (input.documents !== undefined && input.documents.length > 0) {
      asicPath = join(options.workDir, `${id}.asice`);
      const documents = input.documents.map((d) => ({ name: d.name, mimetype: d.mimetype, content: d.content }));
      await pipeline(createAsicStream({ documents, signer: options.key, clock }), createWriteStream(asicPath));
    }
    state.queue({ id, sbd: input.sbd, ...(asicPath ? { asicPath } : {}), ...(input.signer ? { signer: input.signer } : {}), ...(input.payload ? { payload: input.payload } : {}), ...(input.isAppRec === undefined ? {} : { isAppRec: input.isAppRec }) });
    return id;
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/^\/api/, '');
    authorise(req);
    if (req.method === 'POST' && path === '/messages/out') return text(res, await send(req));
    const statuses = /^\/messages\/out\/([^/]+)\/statuses$/.exec(path)?.[1];
    if (req.method === 'GET' && statuses !== undefined) return json(res, state.statuses(decodeURIComponent(statuses), options.receipts ?? 'auto'));
    if (req.method === 'GET' && path === '/messages/in') return json(res, state.waiting(herIdParameter(url)).map(listed));
    if (req.method === 'POST' && path === '/messages/in') return download(req, res);
    const read = /^\/messages\/in\/([^/]+)\/read$/.exec(path)?.[1];
    if (req.method === 'POST' && read !== undefined) {
      state.markRead(decodeURIComponent(read), herIdParameter(url));
      return text(res, 'Message deleted');
    }
    throw new Refusal(404, `no route ${req.method ?? ''} ${path}`);
  }

  const server = createServer((req, res) => {
    if (failures.intercept(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    route(req, res, url).catch((error: unknown) => {
      req.resume();
      const status = error instanceof Refusal ? error.status : 500;
      problem(res, status, url.pathname, error instanceof Error ? error.message : String(error), clock);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${address.address}:${address.port}/api`,
    failures,
    sent: state.sent,
    inbox: state.inbox,
    acknowledge: (nhnId) => { state.message(nhnId).transportStatus = 'ACKNOWLEDGED'; },
    rejectTransport: (nhnId) => { state.message(nhnId).transportStatus = 'REJECTED'; },
    applicationReceipt: (nhnId, status) => { applicationReceiptFor(state, nhnId, status, clock); },
    deliver,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

function herIdParameter(url: URL): number {
  const value = url.searchParams.get('receiverHerId') ?? '';
  if (!/^[1-9]\d*$/.test(value)) throw new Refusal(400, 'receiverHerId must be a HER id');
  return Number(value);
}

/** The list item of `GET /messages/in` (transports notes Appendix B). */
function listed(message: FakeDphIncoming): Record<string, unknown> {
  return {
    id: message.id, receiverHerId: message.receiverHerId, senderHerId: message.senderHerId,
    businessDocumentId: message.businessDocumentId, businessDocumentDate: message.businessDocumentDate, isAppRec: message.isAppRec,
  };
}

function text(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The adapter's ApiError body (transports notes §5.6). */
function problem(res: ServerResponse, status: number, path: string, message: string, clock: Clock): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = { status, reason: status >= 500 ? 'Internal Server Error' : 'Bad Request', message, path, timestamp: formatOslo(clock.now()) };
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
